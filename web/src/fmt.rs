//! Deterministic formatting of money, dates and instants (the same text on the server and in the
//! browser, so hydration matches). Money arrives as exact decimal text and is never a float.

use crate::data::Money;
use crate::i18n::{months, Locale};

fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "CAD" => "CA$",
        "AUD" => "A$",
        "JPY" => "¥",
        "CHF" => "CHF",
        _ => return None,
    })
}

/// `1234.5` in `EUR` → `€1,234.50` (English) or `1.234,50 €` (Greek).
pub fn money_text(amount: &str, currency: &str, l: Locale) -> String {
    let (neg, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let (group, point) = match l {
        Locale::En => (',', '.'),
        Locale::El => ('.', ','),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let number = if frac.is_empty() {
        grouped
    } else {
        format!("{grouped}{point}{frac}")
    };
    let sign = if neg { "-" } else { "" };
    match (symbol(currency), l) {
        (Some(s), Locale::En) => format!("{sign}{s}{number}"),
        (Some(s), Locale::El) => format!("{sign}{number} {s}"),
        (None, _) => format!("{sign}{number} {currency}"),
    }
}

/// A `YYYY-MM` key as a month name and year in `l` ("May 2026", "Μαΐ 2026"); any other key as is.
pub fn month_or_key(key: &str, l: Locale) -> String {
    let month = key
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2)
        .and_then(|(y, m)| Some((y, m.parse::<usize>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m));
    match month {
        Some((y, m)) => format!("{} {y}", months(l)[m - 1]),
        None => key.to_owned(),
    }
}

/// A decimal number as people read it in `l`: `2.5` → `2,5` in Greek (quantities, rates, hours).
pub fn decimal(s: &str, l: Locale) -> String {
    match l {
        Locale::En => s.to_owned(),
        Locale::El => s.replace('.', ","),
    }
}

/// `n` things with the right plural in `l` ("1 invoice", "8 invoices"; "1 τιμολόγιο", "8 τιμολόγια").
pub fn count(n: i64, noun: &str, l: Locale) -> String {
    // (English one, English other, Greek one, Greek other)
    const NOUNS: &[(&str, &str, &str, &str)] = &[
        ("invoice", "invoices", "τιμολόγιο", "τιμολόγια"),
        ("payment", "payments", "πληρωμή", "πληρωμές"),
        ("estimate", "estimates", "προσφορά", "προσφορές"),
        ("credit note", "credit notes", "πιστωτικό", "πιστωτικά"),
        ("message", "messages", "μήνυμα", "μηνύματα"),
        ("try", "tries", "προσπάθεια", "προσπάθειες"),
    ];
    let (one, other, el_one, el_other) = NOUNS
        .iter()
        .find(|x| x.0 == noun)
        .copied()
        .unwrap_or((noun, noun, noun, noun));
    let word = match (l, n == 1) {
        (Locale::En, true) => one,
        (Locale::En, false) => other,
        (Locale::El, true) => el_one,
        (Locale::El, false) => el_other,
    };
    format!("{n} {word}")
}

/// `a − b` (same currency, two decimals), for showing how figures reconcile.
pub fn minus(a: &Money, b: &Money) -> Money {
    let minor = a.minor - b.minor;
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    Money {
        amount: format!("{sign}{}.{:02}", m / 100, m % 100),
        currency: a.currency.clone(),
        minor,
    }
}

pub fn money(m: &Money, l: Locale) -> String {
    money_text(&m.amount, &m.currency, l)
}

/// `2026-11-22` → `22 Nov 2026`.
pub fn date(iso: &str, l: Locale) -> String {
    let mut it = iso.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (it.next(), it.next(), it.next()) else {
        return iso.to_owned();
    };
    let Ok(mi) = m.parse::<usize>() else {
        return iso.to_owned();
    };
    let names = months(l);
    let Some(name) = names.get(mi.wrapping_sub(1)) else {
        return iso.to_owned();
    };
    // No-break spaces: a date never breaks across lines.
    format!("{}\u{a0}{name}\u{a0}{y}", d.trim_start_matches('0'))
}

/// Milliseconds since the epoch → `2026-11-22 14:05 UTC` (UTC, so both sides agree).
pub fn instant(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// An instant as local time, given the zone's offsets (the last span that began at or before
/// it applies; none: UTC, said as such): "22 Nov 2026, 16:05".
pub fn instant_local(ms: i64, offsets: &[crate::data::UtcOffset], l: Locale) -> String {
    match offsets
        .iter()
        .rev()
        .find(|o| o.from <= ms)
        .or(offsets.first())
    {
        Some(o) => {
            let text = instant_in(ms + i64::from(o.minutes) * 60_000, l);
            text.trim_end_matches("\u{a0}UTC").to_owned()
        }
        None => instant_in(ms, l),
    }
}

/// An instant as people read it in `l`: "22 Nov 2026, 14:05 UTC" ("22 Νοε 2026, 14:05 UTC").
pub fn instant_in(ms: i64, l: Locale) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{d}\u{a0}{}\u{a0}{y}, {:02}:{:02}\u{a0}UTC",
        months(l)[(m as usize).clamp(1, 12) - 1],
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// A browser's User-Agent as a person names it: "Chrome on Windows", "Safari on iOS".
pub fn browser_name(ua: &str, l: Locale) -> String {
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        ""
    };
    let os = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    let on = match l {
        Locale::En => "on",
        Locale::El => "σε",
    };
    match (browser, os) {
        ("", "") => match l {
            Locale::En => "Unknown browser".to_owned(),
            Locale::El => "Άγνωστο πρόγραμμα περιήγησης".to_owned(),
        },
        (b, "") => b.to_owned(),
        ("", o) => o.to_owned(),
        (b, o) => format!("{b} {on} {o}"),
    }
}

/// The date (`YYYY-MM-DD`) of an instant, in UTC.
pub fn instant_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(1000).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Minutes → `7h 05m`.
/// Minutes as decimal hours in `l`, one decimal at most: 90 → "1.5" ("1,5"), 120 → "2".
pub fn hours_decimal(minutes: i64, l: Locale) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    let text = if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    decimal(&text, l)
}

/// `minor` units as a plain amount with as many decimals as `like` has ("1234.50"), for a form's
/// value.
pub fn minor_amount(minor: i64, like: &crate::data::Money) -> String {
    let decimals = like
        .amount
        .split_once('.')
        .map(|(_, f)| f.len())
        .unwrap_or(0);
    if decimals == 0 {
        return minor.to_string();
    }
    let p = 10i64.pow(decimals as u32);
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    let p = p.unsigned_abs();
    format!("{sign}{}.{:0width$}", m / p, m % p, width = decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_as_people_name_them() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(browser_name(chrome, Locale::En), "Chrome on Linux");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_name(iphone, Locale::El), "Safari σε iOS");
        assert_eq!(browser_name("curl/8.0", Locale::En), "Unknown browser");
    }

    #[test]
    fn months_and_decimals_read_in_the_language() {
        assert_eq!(month_or_key("2026-05", Locale::En), "May 2026");
        assert_eq!(month_or_key("2026-05", Locale::El), "Μαΐ 2026");
        assert_eq!(month_or_key("Design", Locale::El), "Design");
        assert_eq!(decimal("2.5", Locale::El), "2,5");
    }

    #[test]
    fn local_times_follow_the_offset_in_force() {
        use crate::data::UtcOffset;
        let athens = [
            UtcOffset {
                from: 0,
                minutes: 120,
            },
            UtcOffset {
                from: 1_774_746_000_000,
                minutes: 180,
            },
        ];
        // 2026-11-22 14:05 UTC is before the list's end: +3h → 17:05; 1970 → +2h.
        assert_eq!(
            instant_local(1_795_356_300_000, &athens, Locale::En),
            "22\u{a0}Nov\u{a0}2026, 17:05"
        );
        assert_eq!(
            instant_local(0, &athens, Locale::En),
            "1\u{a0}Jan\u{a0}1970, 02:00"
        );
        assert_eq!(
            instant_local(0, &[], Locale::En),
            "1\u{a0}Jan\u{a0}1970, 00:00\u{a0}UTC"
        );
    }

    #[test]
    fn hours_read_as_decimals() {
        assert_eq!(hours_decimal(90, Locale::El), "1,5");
        assert_eq!(hours_decimal(120, Locale::En), "2");
        assert_eq!(hours_decimal(5340, Locale::En), "89");
    }

    #[test]
    fn counts_use_the_right_plural() {
        assert_eq!(count(1, "invoice", Locale::En), "1 invoice");
        assert_eq!(count(8, "invoice", Locale::En), "8 invoices");
        assert_eq!(count(0, "invoice", Locale::El), "0 τιμολόγια");
        assert_eq!(count(1, "invoice", Locale::El), "1 τιμολόγιο");
    }

    #[test]
    fn money_in_both_languages() {
        assert_eq!(money_text("1234567.50", "EUR", Locale::En), "€1,234,567.50");
        assert_eq!(
            money_text("1234567.50", "EUR", Locale::El),
            "1.234.567,50 €"
        );
        assert_eq!(money_text("-12.00", "USD", Locale::En), "-$12.00");
        assert_eq!(money_text("999.99", "SEK", Locale::En), "999.99 SEK");
        assert_eq!(money_text("0", "JPY", Locale::En), "¥0");
    }

    #[test]
    fn dates_and_instants() {
        assert_eq!(date("2026-11-02", Locale::En), "2\u{a0}Nov\u{a0}2026");
        assert_eq!(date("2026-05-20", Locale::El), "20\u{a0}Μαΐ\u{a0}2026");
        assert_eq!(date("garbage", Locale::En), "garbage");
        assert_eq!(instant(0), "1970-01-01 00:00 UTC");
        assert_eq!(instant(1_795_305_600_000), "2026-11-22 00:00 UTC");
        assert_eq!(
            instant_in(1_795_305_600_000 + 14 * 3_600_000 + 300_000, Locale::El),
            "22\u{a0}Νοε\u{a0}2026, 14:05\u{a0}UTC"
        );
        assert_eq!(instant_date(951_782_400_000), "2000-02-29");
    }
}
