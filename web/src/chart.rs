//! Bar charts as inline SVG, drawn during the server render (no script): a value axis with
//! gridlines, and every month's figures in text that a keyboard (Tab), a pointer (hover) and a
//! screen reader all reach.

use dioxus::prelude::*;

use crate::i18n::Locale;

/// One group of bars: a label and up to two values (integers: minor units or minutes).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub a: i64,
    pub b: i64,
}

/// How a chart's values read.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// Minor units of a currency (two decimals).
    Money(String),
    /// Minutes, shown as hours.
    Minutes,
}

impl Unit {
    /// A value as text: money in whole units on the axis (`full` false), to the cent otherwise.
    fn text(&self, v: i64, full: bool, l: Locale) -> String {
        match self {
            Unit::Money(currency) => {
                let amount = if full {
                    let m = v.unsigned_abs();
                    let sign = if v < 0 { "-" } else { "" };
                    format!("{sign}{}.{:02}", m / 100, m % 100)
                } else {
                    (v / 100).to_string()
                };
                crate::fmt::money_text(&amount, currency, l)
            }
            Unit::Minutes => crate::fmt::hours_decimal(v, l),
        }
    }
}

const W: i64 = 720;
const H: i64 = 240;
const PAD_L: i64 = 84;
const PAD_T: i64 = 26;
const PAD_B: i64 = 28;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `max`, so the axis has round figures.
fn nice_max(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= max {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// Paired bars (`a` dark, `b` light) with a value axis and a legend; `describe` is the summary.
#[component]
pub fn BarChart(
    bars: Vec<Bar>,
    a_label: String,
    b_label: String,
    describe: String,
    unit: Unit,
    #[props(default)] single: bool,
) -> Element {
    let l = crate::ui::locale();
    let highest = bars.iter().map(|b| b.a.max(b.b)).max().unwrap_or(0).max(1);
    // Round figures on the axis: whole currency units of 1, 2 or 5 × 10ⁿ, or hours likewise.
    let top = match unit {
        Unit::Money(_) => nice_max((highest + 99) / 100) * 100,
        Unit::Minutes => nice_max((highest + 59) / 60) * 60,
    };
    let n = bars.len().max(1) as i64;
    let slot = (W - PAD_L) / n;
    let bar_w = if single { slot * 6 / 10 } else { slot * 3 / 10 };
    let plot_h = H - PAD_B - PAD_T;
    let baseline = H - PAD_B;
    let ticks = (0..=4).map(|i| {
        let v = top * i / 4;
        let y = baseline - v * plot_h / top;
        let label = unit.text(v, false, l);
        rsx! {
            g { key: "t{i}",
                line { x1: "{PAD_L}", y1: "{y}", x2: "{W}", y2: "{y}", class: if i == 0 { "base" } else { "grid" } }
                text { x: "{PAD_L - 6}", y: "{y + 4}", "text-anchor": "end", class: "axis", "{label}" }
            }
        }
    });
    let groups = bars.iter().enumerate().map(|(i, b)| {
        let x0 = PAD_L + i as i64 * slot + slot / 10;
        let ha = b.a * plot_h / top;
        let hb = b.b * plot_h / top;
        let xb = x0 + bar_w;
        let tx = PAD_L + i as i64 * slot + slot / 2;
        let figures = if single {
            format!("{}: {}", b.label, unit.text(b.a, true, l))
        } else {
            format!(
                "{}: {} {}, {} {}",
                b.label,
                a_label,
                unit.text(b.a, true, l),
                b_label,
                unit.text(b.b, true, l)
            )
        };
        let value = if single {
            unit.text(b.a, true, l)
        } else {
            format!("{} / {}", unit.text(b.a, true, l), unit.text(b.b, true, l))
        };
        let label = b.label.clone();
        // The value above the bars shows on hover and on keyboard focus (CSS).
        let vy = (baseline - ha.max(hb) - 6).max(12);
        rsx! {
            g { key: "{i}", class: "month", tabindex: "0", role: "img", "aria-label": "{figures}",
                title { "{figures}" }
                rect { class: "hit", x: "{PAD_L + i as i64 * slot}", y: "{PAD_T}", width: "{slot}", height: "{plot_h}" }
                rect { class: "bar-a", x: "{x0}", y: "{baseline - ha}", width: "{bar_w}", height: "{ha}" }
                if !single {
                    rect { class: "bar-b", x: "{xb}", y: "{baseline - hb}", width: "{bar_w}", height: "{hb}" }
                }
                text { x: "{tx}", y: "{H - 10}", "text-anchor": "middle", class: "axis", "{label}" }
                text { x: "{tx}", y: "{vy}", "text-anchor": "middle", class: "value", "{value}" }
            }
        }
    });
    rsx! {
        figure { class: "chart",
            svg {
                view_box: "0 0 {W} {H}",
                role: "group",
                "aria-label": "{describe}",
                {ticks}
                {groups}
            }
            figcaption { class: "legend",
                span { class: "key key-a", "aria-hidden": "true" }
                "{a_label}"
                if !single {
                    span { class: "key key-b", "aria-hidden": "true" }
                    "{b_label}"
                }
                span { class: "muted hint", {l.t("Tab or point at a month for its figures.")} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_figure() {
        assert_eq!(nice_max(1), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(1_234_567), 2_000_000);
        assert_eq!(nice_max(500), 500);
    }
}
