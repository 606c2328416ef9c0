//! The portal's browser entry point: hydrates the page the server rendered.
fn main() {
    dioxus::launch(portico_web::App);
}
