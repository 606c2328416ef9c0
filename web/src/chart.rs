//! Bar charts as inline SVG, drawn during the server render (no script, readable by screen readers
//! through a table that carries the same figures).

use dioxus::prelude::*;

/// One group of bars: a label and up to two values (integers: minor units or minutes).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub a: i64,
    pub b: i64,
}

const W: i64 = 720;
const H: i64 = 220;
const PAD_L: i64 = 8;
const PAD_B: i64 = 28;

/// Paired bars (`a` dark, `b` light) with a legend; `describe` is the accessible summary.
#[component]
pub fn BarChart(
    bars: Vec<Bar>,
    a_label: String,
    b_label: String,
    describe: String,
    #[props(default)] single: bool,
) -> Element {
    let max = bars.iter().map(|b| b.a.max(b.b)).max().unwrap_or(0).max(1);
    let n = bars.len().max(1) as i64;
    let slot = (W - PAD_L) / n;
    let bar_w = if single { slot * 6 / 10 } else { slot * 3 / 10 };
    let plot_h = H - PAD_B - 8;
    let rects = bars.iter().enumerate().map(|(i, b)| {
        let x0 = PAD_L + i as i64 * slot + slot / 10;
        let ha = b.a * plot_h / max;
        let hb = b.b * plot_h / max;
        let ya = H - PAD_B - ha;
        let yb = H - PAD_B - hb;
        let xb = x0 + bar_w;
        let tx = PAD_L + i as i64 * slot + slot / 2;
        let ty = H - 10;
        let label = b.label.clone();
        rsx! {
            g { key: "{i}",
                rect { class: "bar-a", x: "{x0}", y: "{ya}", width: "{bar_w}", height: "{ha}" }
                if !single {
                    rect { class: "bar-b", x: "{xb}", y: "{yb}", width: "{bar_w}", height: "{hb}" }
                }
                text { x: "{tx}", y: "{ty}", "text-anchor": "middle", class: "axis", "{label}" }
            }
        }
    });
    let baseline = H - PAD_B;
    rsx! {
        figure { class: "chart",
            svg {
                view_box: "0 0 {W} {H}",
                role: "img",
                "aria-label": "{describe}",
                preserve_aspect_ratio: "none",
                line { x1: "0", y1: "{baseline}", x2: "{W}", y2: "{baseline}", class: "base" }
                {rects}
            }
            figcaption { class: "legend",
                span { class: "key key-a", "aria-hidden": "true" }
                "{a_label}"
                if !single {
                    span { class: "key key-b", "aria-hidden": "true" }
                    "{b_label}"
                }
            }
        }
    }
}
