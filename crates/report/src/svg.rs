//! The drawing primitives of the charts: escaping, number formatting, linear scales with
//! round ticks, the colour palettes and an SVG builder.

use std::fmt::Write;

/// Escapes text for HTML and SVG (element content and attribute values alike).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters (not bytes: accents count once), with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// A number as people read it: thousands grouped with commas, at most three significant
/// decimals below 100, none above 1,000.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "–".into()
        } else {
            "∞".into()
        };
    }
    let magnitude = value.abs();
    let decimals = if magnitude >= 100.0 || magnitude == 0.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        (3 - magnitude.log10().floor() as i32 - 1).clamp(2, 6) as usize
    };
    let text = format!("{value:.decimals$}");
    let (integer, fraction) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f.trim_end_matches('0'))),
        None => (text.as_str(), None),
    };
    let (sign, digits) = integer
        .strip_prefix('-')
        .map_or(("", integer), |d| ("-", d));
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) if !f.is_empty() => format!("{sign}{grouped}.{f}"),
        _ if sign == "-" && grouped.chars().all(|c| c == '0' || c == ',') => grouped,
        _ => format!("{sign}{grouped}"),
    }
}

/// A share as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// A linear map from data values to pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Scale {
    /// Maps `domain` onto `range`; a domain of one value is widened so that it still maps.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        let (lo, hi) = domain;
        let domain = if hi > lo {
            (lo, hi)
        } else {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo - pad, hi + pad)
        };
        Scale { domain, range }
    }

    /// The domain widened to round ticks: the scale and its about `count` ticks.
    pub fn nice(domain: (f64, f64), range: (f64, f64), count: usize) -> (Self, Vec<f64>) {
        let raw = Scale::new(domain, range);
        let ticks = ticks(raw.domain.0, raw.domain.1, count);
        let lo = ticks.first().copied().unwrap_or(raw.domain.0);
        let hi = ticks.last().copied().unwrap_or(raw.domain.1);
        (Scale::new((lo, hi), range), ticks)
    }

    /// The pixel of `value`.
    pub fn map(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }

    /// The domain.
    pub fn domain(&self) -> (f64, f64) {
        self.domain
    }
}

/// Round ticks (1, 2 or 5 times a power of ten apart) covering `[lo, hi]`, about `count`
/// of them.
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let rough = (hi - lo) / count.max(1) as f64;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= rough)
        .unwrap_or(10.0 * power);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    (first..=last)
        .map(|i| {
            format!("{:.decimals$}", i as f64 * step)
                .parse()
                .unwrap_or_else(|e| unreachable!("a formatted number parses: {e}"))
        })
        .collect()
}

/// Ten colours told apart by most people, colour-blind included (Tableau 10).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The colour of category `index`.
pub fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// A diverging colour for `value` in [-1, 1]: blue below zero, white at zero, red above.
pub fn diverging(value: f64) -> String {
    let t = value.clamp(-1.0, 1.0);
    let (r, g, b) = if t >= 0.0 {
        (255.0, 255.0 - 170.0 * t, 255.0 - 180.0 * t)
    } else {
        (255.0 + 177.0 * t, 255.0 + 120.0 * t, 255.0 + 40.0 * t)
    };
    format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, b as u8)
}

/// An SVG document being written, with the number of data marks drawn so far.
pub struct Svg {
    body: String,
    width: f64,
    height: f64,
    marks: usize,
}

impl Svg {
    /// An empty drawing of `width` × `height` user units.
    pub fn new(width: f64, height: f64) -> Self {
        Svg {
            body: String::new(),
            width,
            height,
            marks: 0,
        }
    }

    /// Appends raw SVG markup.
    pub fn raw(&mut self, markup: &str) {
        self.body.push_str(markup);
    }

    /// Counts `n` data marks (points, bars, cells, line vertices).
    pub fn count(&mut self, n: usize) {
        self.marks += n;
    }

    /// A line.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
        let _ = write!(
            self.body,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" class="{class}"/>"#
        );
    }

    /// Text anchored at (x, y); `anchor` is start, middle or end.
    pub fn text(&mut self, (x, y): (f64, f64), anchor: &str, class: &str, text: &str) {
        let _ = write!(
            self.body,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="{class}">{}</text>"#,
            escape(text)
        );
    }

    /// A polyline through `points`, counted as data marks.
    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, class: &str) {
        if points.is_empty() {
            return;
        }
        let mut path = String::with_capacity(points.len() * 14);
        for (x, y) in points {
            let _ = write!(path, "{x:.1},{y:.1} ");
        }
        let _ = write!(
            self.body,
            r#"<polyline points="{}" stroke="{stroke}" class="{class}"/>"#,
            path.trim_end()
        );
        self.marks += points.len();
    }

    /// The finished `<svg>` element and its number of data marks.
    pub fn finish(self, label: &str) -> (String, usize) {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">{body}</svg>"#,
            w = self.width,
            h = self.height,
            label = escape(label),
            body = self.body
        );
        (svg, self.marks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_keeps_accents() {
        assert_eq!(
            escape(r#"Île-de-France <R&D> "a" 'b'"#),
            "Île-de-France &lt;R&amp;D&gt; &quot;a&quot; &#39;b&#39;"
        );
    }

    #[test]
    fn shortens_by_characters_not_bytes() {
        assert_eq!(shorten("Éléphants énormes", 8), "Éléphan…");
        assert_eq!(shorten("Île", 3), "Île");
    }

    #[test]
    fn numbers_read_like_reports() {
        assert_eq!(number(645_000.0), "645,000");
        assert_eq!(number(-1_234_567.4), "-1,234,567");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(0.01234), "0.0123");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0001), "-0.0001");
        assert_eq!(number(f64::NAN), "–");
        assert_eq!(percent(0.1504), "15.0 %");
    }

    #[test]
    fn ticks_are_round_and_cover_the_domain() {
        assert_eq!(ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(ticks(3.0, 97.0, 4), vec![0.0, 50.0, 100.0]);
        let (scale, t) = Scale::nice((0.13, 0.41), (0.0, 100.0), 5);
        assert!(t.first().unwrap() <= &0.13 && t.last().unwrap() >= &0.41);
        assert_eq!(scale.map(*t.first().unwrap()), 0.0);
        assert_eq!(scale.map(*t.last().unwrap()), 100.0);
    }

    #[test]
    fn a_one_value_domain_still_maps() {
        let s = Scale::new((5.0, 5.0), (0.0, 10.0));
        assert_eq!(s.map(5.0), 5.0);
    }

    #[test]
    fn diverging_colours_run_from_blue_through_white_to_red() {
        assert_eq!(diverging(0.0), "#ffffff");
        assert_eq!(diverging(1.0), "#ff554b");
        assert_eq!(diverging(-1.0), "#4e87d7");
        assert_eq!(diverging(7.0), diverging(1.0));
    }
}
