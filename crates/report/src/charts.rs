//! The charts: lines, horizontal bars, scatter plots with labelled bubbles, and heatmaps, each
//! drawn as an SVG element and counted in data marks so that an empty chart can be told apart.

use std::fmt::Write;

use crate::svg::{Scale, Svg, colour, diverging, escape, number, shorten};

/// A drawn chart: its `<svg>` element and how many data marks it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// The `<svg>` element.
    pub svg: String,
    /// Points, bars, cells and line vertices drawn.
    pub marks: usize,
}

/// Space around the plotting area: left, right, top, bottom.
#[derive(Debug, Clone, Copy)]
struct Margins(f64, f64, f64, f64);

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Shown in the legend.
    pub name: String,
    /// (x, y) in drawing order; non-finite points are left out.
    pub points: Vec<(f64, f64)>,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    /// What the chart shows, for screen readers.
    pub label: String,
    /// The x axis' title.
    pub x_label: String,
    /// The y axis' title.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
    /// A vertical marker with its text (the chosen k, say).
    pub marker: Option<(f64, String)>,
    /// A dashed reference line (the diagonal of a ROC or calibration chart).
    pub reference: Option<Vec<(f64, f64)>>,
    /// Both axes from 0 to 1 (ROC, PR and calibration charts).
    pub unit_square: bool,
}

/// Draws a line chart, 420 × 260.
pub fn line_chart(chart: &LineChart) -> Drawn {
    let (w, h) = (420.0, 260.0);
    let m = Margins(58.0, 14.0, 12.0, 42.0);
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let all: Vec<(f64, f64)> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter(finite).copied())
        .collect();
    let (xs, ys) = if chart.unit_square {
        ((0.0, 1.0), (0.0, 1.0))
    } else {
        (
            extent(all.iter().map(|p| p.0)),
            extent(all.iter().map(|p| p.1)),
        )
    };
    let (x, x_ticks) = Scale::nice(xs, (m.0, w - m.1), 6);
    let (y, y_ticks) = Scale::nice(ys, (h - m.3, m.2), 5);
    let mut svg = Svg::new(w, h);
    axes(
        &mut svg,
        &x,
        &labelled(&x_ticks),
        &y,
        &labelled(&y_ticks),
        (w, h),
        m,
    );
    titles(&mut svg, &chart.x_label, &chart.y_label, (w, h), m);
    if let Some(reference) = &chart.reference {
        let points: Vec<(f64, f64)> = reference
            .iter()
            .map(|&(a, b)| (x.map(a), y.map(b)))
            .collect();
        let mut path = String::new();
        for (px, py) in &points {
            let _ = write!(path, "{px:.1},{py:.1} ");
        }
        svg.raw(&format!(
            r#"<polyline points="{}" class="reference"/>"#,
            path.trim_end()
        ));
    }
    if let Some((at, text)) = &chart.marker {
        let px = x.map(*at);
        svg.line((px, m.2), (px, h - m.3), "marker");
        svg.text((px + 4.0, m.2 + 10.0), "start", "marker-text", text);
    }
    for (i, series) in chart.series.iter().enumerate() {
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter(finite)
            .map(|&(a, b)| (x.map(a), y.map(b)))
            .collect();
        svg.polyline(&points, colour(i), "series");
        if points.len() <= 20 {
            for (px, py) in &points {
                svg.raw(&format!(
                    r#"<circle cx="{px:.1}" cy="{py:.1}" r="3" fill="{}"/>"#,
                    colour(i)
                ));
            }
        }
    }
    if chart.series.len() > 1 {
        legend(
            &mut svg,
            chart.series.iter().map(|s| s.name.as_str()),
            (m.0 + 8.0, m.2 + 4.0),
        );
    }
    finish(svg, &chart.label)
}

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The bar's name (cut to 36 characters on the chart, whole in its tooltip).
    pub label: String,
    /// Its length.
    pub value: f64,
    /// The text after the bar (the value, formatted).
    pub text: String,
    /// Its palette colour.
    pub colour: usize,
}

/// Draws horizontal bars, 22 units per bar, from zero (negative values to the left).
pub fn bar_chart(label: &str, bars: &[Bar]) -> Drawn {
    let w = 560.0;
    let m = Margins(250.0, 110.0, 8.0, 8.0);
    let h = m.2 + m.3 + 22.0 * bars.len().max(1) as f64;
    let (lo, hi) = extent(bars.iter().map(|b| b.value).chain([0.0]));
    let x = Scale::new((lo, hi), (m.0, w - m.1));
    let mut svg = Svg::new(w, h);
    let zero = x.map(0.0);
    for (i, bar) in bars.iter().enumerate() {
        if !bar.value.is_finite() {
            continue;
        }
        let top = m.2 + 22.0 * i as f64;
        let (a, b) = (zero.min(x.map(bar.value)), zero.max(x.map(bar.value)));
        svg.raw(&format!(
            r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="16" fill="{}"><title>{}: {}</title></rect>"#,
            top + 2.0,
            (b - a).max(1.0),
            colour(bar.colour),
            escape(&bar.label),
            escape(&bar.text)
        ));
        svg.count(1);
        svg.text(
            (m.0 - 8.0, top + 14.0),
            "end",
            "bar-label",
            &shorten(&bar.label, 36),
        );
        svg.text((b + 5.0, top + 14.0), "start", "bar-value", &bar.text);
    }
    svg.line((zero, m.2), (zero, h - m.3), "axis");
    finish(svg, label)
}

/// A labelled bubble on a scatter plot (a segment placed at its median, say).
#[derive(Debug, Clone, PartialEq)]
pub struct Bubble {
    /// Its centre.
    pub x: f64,
    /// Its centre.
    pub y: f64,
    /// Its area is proportional to this (the accounts of the segment).
    pub size: f64,
    /// Its text.
    pub label: String,
    /// Its palette colour.
    pub group: usize,
}

/// A scatter plot of points coloured by group, with optional bubbles and guide lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scatter {
    /// What the chart shows, for screen readers.
    pub label: String,
    /// The x axis' title.
    pub x_label: String,
    /// The y axis' title.
    pub y_label: String,
    /// (x, y, group) per point.
    pub points: Vec<(f64, f64, usize)>,
    /// The groups' names, for the legend.
    pub groups: Vec<String>,
    /// Bubbles drawn over the points.
    pub bubbles: Vec<Bubble>,
    /// A vertical and a horizontal guide line (the population's medians, say).
    pub guides: Option<(f64, f64)>,
    /// Names of the four quadrants the guides make: top left, top right, bottom left,
    /// bottom right.
    pub quadrants: Option<[String; 4]>,
    /// Draw x on a `ln(1 + x)` scale (for amounts, which span orders of magnitude), its
    /// ticks labelled with the amounts; x values below zero are drawn at zero.
    pub log_x: bool,
}

/// Draws a scatter plot, 760 × 460.
pub fn scatter(chart: &Scatter) -> Drawn {
    let (w, h) = (760.0, 460.0);
    let legend_width = if chart.groups.is_empty() { 0.0 } else { 170.0 };
    let m = Margins(62.0, 14.0 + legend_width, 12.0, 42.0);
    let finite = |x: f64, y: f64| x.is_finite() && y.is_finite();
    let fx = |v: f64| if chart.log_x { v.max(0.0).ln_1p() } else { v };
    let xs = extent(
        chart
            .points
            .iter()
            .filter(|p| finite(p.0, p.1))
            .map(|p| fx(p.0))
            .chain(chart.bubbles.iter().map(|b| fx(b.x))),
    );
    let ys = extent(
        chart
            .points
            .iter()
            .filter(|p| finite(p.0, p.1))
            .map(|p| p.1)
            .chain(chart.bubbles.iter().map(|b| b.y)),
    );
    let (x, x_ticks) = if chart.log_x {
        let ticks = log_ticks(xs.1.exp_m1());
        let top = ticks.last().map_or(xs.1, |t| t.0.max(xs.1));
        (Scale::new((0.0, top), (m.0, w - m.1)), ticks)
    } else {
        let (x, ticks) = Scale::nice(xs, (m.0, w - m.1), 6);
        (x, labelled(&ticks))
    };
    let (y, y_ticks) = Scale::nice(ys, (h - m.3, m.2), 6);
    let mut svg = Svg::new(w, h);
    axes(&mut svg, &x, &x_ticks, &y, &labelled(&y_ticks), (w, h), m);
    titles(&mut svg, &chart.x_label, &chart.y_label, (w, h), m);
    if let Some((gx, gy)) = chart.guides {
        let gx = fx(gx);
        svg.line((x.map(gx), m.2), (x.map(gx), h - m.3), "guide");
        svg.line((m.0, y.map(gy)), (w - m.1, y.map(gy)), "guide");
        if let Some(names) = &chart.quadrants {
            let (left, right, top, bottom) = (m.0 + 6.0, w - m.1 - 6.0, m.2 + 14.0, h - m.3 - 6.0);
            svg.text((left, top), "start", "quadrant", &names[0]);
            svg.text((right, top), "end", "quadrant", &names[1]);
            svg.text((left, bottom), "start", "quadrant", &names[2]);
            svg.text((right, bottom), "end", "quadrant", &names[3]);
        }
    }
    let mut dots = String::with_capacity(chart.points.len() * 48);
    let mut drawn = 0;
    for &(px, py, group) in &chart.points {
        if !finite(px, py) {
            continue;
        }
        let _ = write!(
            dots,
            r#"<circle cx="{:.1}" cy="{:.1}" r="2.2" fill="{}"/>"#,
            x.map(fx(px)),
            y.map(py),
            colour(group)
        );
        drawn += 1;
    }
    svg.raw(&format!(r#"<g class="dots">{dots}</g>"#));
    svg.count(drawn);
    let largest = chart.bubbles.iter().map(|b| b.size).fold(1.0, f64::max);
    for bubble in &chart.bubbles {
        let (cx, cy) = (x.map(fx(bubble.x)), y.map(bubble.y));
        let r = 5.0 + 15.0 * (bubble.size / largest).sqrt();
        svg.raw(&format!(
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="{}" class="bubble"><title>{}</title></circle>"#,
            colour(bubble.group),
            escape(&bubble.label)
        ));
        svg.count(1);
        svg.text(
            (cx.clamp(m.0 + 80.0, w - m.1 - 80.0), cy - r - 3.0),
            "middle",
            "bubble-label",
            &shorten(&bubble.label, 28),
        );
    }
    if !chart.groups.is_empty() {
        legend(
            &mut svg,
            chart.groups.iter().map(String::as_str),
            (w - legend_width, m.2 + 4.0),
        );
    }
    finish(svg, &chart.label)
}

/// A heatmap of `values[row][column]`, coloured from -`limit` (blue) to +`limit` (red), each
/// cell showing its value.
pub fn heatmap(
    label: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<f64>],
    limit: f64,
) -> Drawn {
    let cell = (46.0, 26.0);
    let m = Margins(230.0, 10.0, 150.0, 10.0);
    let w = m.0 + m.1 + cell.0 * columns.len().max(1) as f64;
    let h = m.2 + m.3 + cell.1 * rows.len().max(1) as f64;
    let mut svg = Svg::new(w, h);
    for (j, column) in columns.iter().enumerate() {
        let cx = m.0 + cell.0 * (j as f64 + 0.5);
        svg.raw(&format!(
            r#"<text transform="translate({cx:.1},{:.1}) rotate(-55)" class="column-label">{}</text>"#,
            m.2 - 6.0,
            escape(&shorten(column, 26))
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        let top = m.2 + cell.1 * i as f64;
        svg.text(
            (m.0 - 8.0, top + 17.0),
            "end",
            "bar-label",
            &shorten(row, 34),
        );
        for (j, &value) in values
            .get(i)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let left = m.0 + cell.0 * j as f64;
            let fill = if value.is_finite() {
                diverging(value / limit)
            } else {
                "#eeeeee".into()
            };
            svg.raw(&format!(
                r#"<rect x="{left:.1}" y="{top:.1}" width="{}" height="{}" fill="{fill}" class="cell"><title>{}, {}: {}</title></rect>"#,
                cell.0 - 1.0,
                cell.1 - 1.0,
                escape(row),
                escape(columns.get(j).map_or("", String::as_str)),
                number(value)
            ));
            svg.count(1);
            let text = if value.is_finite() {
                format!("{value:+.1}")
            } else {
                "–".into()
            };
            svg.text(
                (left + cell.0 / 2.0, top + 17.0),
                "middle",
                "cell-value",
                &text,
            );
        }
    }
    finish(svg, label)
}

fn finish(svg: Svg, label: &str) -> Drawn {
    let (svg, marks) = svg.finish(label);
    Drawn { svg, marks }
}

/// The smallest and largest finite values (0, 1 when there are none).
fn extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// Ticks at their values, labelled with them.
fn labelled(ticks: &[f64]) -> Vec<(f64, String)> {
    ticks.iter().map(|&t| (t, number(t))).collect()
}

/// Ticks of a `ln(1 + x)` axis up to `max`: 0 and the powers of ten, at their transformed
/// places, labelled with the values people know.
fn log_ticks(max: f64) -> Vec<(f64, String)> {
    let mut ticks = vec![(0.0, "0".to_string())];
    let mut t = 1.0;
    while t <= max.max(1.0) * 1.0001 {
        ticks.push((f64::ln_1p(t), number(t)));
        t *= 10.0;
    }
    ticks
}

fn axes(
    svg: &mut Svg,
    x: &Scale,
    x_ticks: &[(f64, String)],
    y: &Scale,
    y_ticks: &[(f64, String)],
    (w, h): (f64, f64),
    m: Margins,
) {
    for (t, text) in y_ticks {
        let py = y.map(*t);
        svg.line((m.0, py), (w - m.1, py), "grid");
        svg.text((m.0 - 6.0, py + 4.0), "end", "tick", text);
    }
    for (t, text) in x_ticks {
        let px = x.map(*t);
        svg.line((px, h - m.3), (px, h - m.3 + 4.0), "axis");
        svg.text((px, h - m.3 + 16.0), "middle", "tick", text);
    }
    svg.line((m.0, h - m.3), (w - m.1, h - m.3), "axis");
    svg.line((m.0, m.2), (m.0, h - m.3), "axis");
}

/// The axes' titles: x centred under the plot, y turned along its left side.
fn titles(svg: &mut Svg, x_title: &str, y_title: &str, (w, h): (f64, f64), m: Margins) {
    svg.text(
        (m.0 + (w - m.0 - m.1) / 2.0, h - 6.0),
        "middle",
        "axis-title",
        x_title,
    );
    svg.raw(&format!(
        r#"<text transform="translate(14,{:.1}) rotate(-90)" text-anchor="middle" class="axis-title">{}</text>"#,
        m.2 + (h - m.2 - m.3) / 2.0,
        escape(y_title)
    ));
}

fn legend<'a>(svg: &mut Svg, names: impl Iterator<Item = &'a str>, (x, y): (f64, f64)) {
    for (i, name) in names.enumerate() {
        let top = y + 16.0 * i as f64;
        svg.raw(&format!(
            r#"<rect x="{x:.1}" y="{top:.1}" width="10" height="10" fill="{}"/>"#,
            colour(i)
        ));
        svg.text((x + 15.0, top + 9.0), "start", "legend", &shorten(name, 24));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_chart_counts_its_finite_points() {
        let drawn = line_chart(&LineChart {
            label: "silhouette by k".into(),
            x_label: "k".into(),
            y_label: "silhouette".into(),
            series: vec![Series {
                name: "silhouette".into(),
                points: vec![(2.0, 0.3), (3.0, f64::NAN), (4.0, 0.41)],
            }],
            marker: Some((4.0, "k = 4".into())),
            ..LineChart::default()
        });
        assert_eq!(drawn.marks, 2);
        assert!(drawn.svg.starts_with("<svg") && drawn.svg.ends_with("</svg>"));
        assert!(drawn.svg.contains("k = 4"));
    }

    #[test]
    fn bars_keep_long_accented_names_whole_in_their_tooltip() {
        let name = "Comptes très engagés d'Île-de-France à forte valeur".to_string();
        let drawn = bar_chart(
            "sizes",
            &[Bar {
                label: name.clone(),
                value: 12.0,
                text: "12".into(),
                colour: 0,
            }],
        );
        assert_eq!(drawn.marks, 1);
        assert!(drawn.svg.contains(&escape(&name)));
        assert!(
            drawn
                .svg
                .contains("Comptes très engagés d&#39;Île-de-Franc…")
        );
    }

    #[test]
    fn an_empty_scatter_has_no_marks() {
        assert_eq!(scatter(&Scatter::default()).marks, 0);
        let drawn = scatter(&Scatter {
            points: vec![(0.0, 1.0, 0), (f64::INFINITY, 2.0, 1), (2.0, 3.0, 1)],
            bubbles: vec![Bubble {
                x: 1.0,
                y: 2.0,
                size: 10.0,
                label: "Dormants".into(),
                group: 1,
            }],
            groups: vec!["a".into(), "b".into()],
            ..Scatter::default()
        });
        assert_eq!(drawn.marks, 3);
    }

    #[test]
    fn a_log_axis_is_labelled_with_amounts() {
        let at = |v: f64| v.ln_1p();
        assert_eq!(
            log_ticks(2_500.0),
            vec![
                (0.0, "0".to_string()),
                (at(1.0), "1".to_string()),
                (at(10.0), "10".to_string()),
                (at(100.0), "100".to_string()),
                (at(1000.0), "1,000".to_string()),
            ]
        );
        let drawn = scatter(&Scatter {
            points: vec![(0.0, 1.0, 0), (45_000.0, 2.0, 0)],
            log_x: true,
            ..Scatter::default()
        });
        assert!(drawn.svg.contains(">10,000<"));
        assert_eq!(drawn.marks, 2);
    }

    #[test]
    fn a_heatmap_draws_one_cell_per_value() {
        let drawn = heatmap(
            "profiles",
            &["a".into(), "b".into()],
            &["x".into(), "y".into(), "z".into()],
            &[vec![1.0, -2.0, 0.0], vec![0.5, f64::NAN, 3.0]],
            2.0,
        );
        assert_eq!(drawn.marks, 6);
        assert!(drawn.svg.contains("+0.5") && drawn.svg.contains("-2.0"));
    }
}
