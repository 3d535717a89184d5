//! The page: sections in reading order, each made of figures, tables and cards, with the
//! style sheet inline so that the file opens offline and prints well.

use std::fmt::Write;

use crate::charts::{
    Bar, Bubble, Drawn, LineChart, Scatter, Series, bar_chart, heatmap, line_chart, scatter,
};
use crate::model::{Changes, KChoice, Report, ScoreSection, SegmentCard, StabilityFigures};
use crate::svg::{colour, escape, number, percent};

/// A rendered report.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The HTML document.
    pub html: String,
    /// Charts it holds.
    pub charts: usize,
}

/// Renders the whole report as one HTML document.
pub fn render(report: &Report) -> Rendered {
    let mut page = Page::default();
    page.overview(report);
    page.quality(report);
    page.segmentation(report);
    page.personas(&report.segments);
    page.rules_and_tags(report);
    page.stability(report.stability.as_ref());
    page.changes(report.changes.as_ref());
    page.scores(&report.scores);
    let nav: String = page
        .sections
        .iter()
        .map(|(id, title)| format!(r##"<a href="#{id}">{}</a>"##, escape(title)))
        .collect();
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cible {version}">
<title>{title} — cible report, run {run}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="subtitle">Segmentation report · run <code>{run}</code> · as of {as_of} · finished {finished} UTC · cible {version}</p>
<nav>{nav}</nav>
</header>
<main>
{body}
</main>
<footer>Made by cible {version}. Every figure comes from the run folder <code>runs/{run}</code>; charts are drawn from its files, without scripts.</footer>
</body>
</html>
"#,
        title = escape(&report.title),
        run = escape(&report.run_id),
        as_of = escape(&report.as_of),
        finished = escape(&report.finished_at),
        version = escape(&report.version),
        body = page.body,
    );
    Rendered {
        html,
        charts: page.charts,
    }
}

#[derive(Default)]
struct Page {
    body: String,
    sections: Vec<(String, String)>,
    charts: usize,
}

impl Page {
    fn open(&mut self, id: &str, title: &str) {
        self.sections.push((id.into(), title.into()));
        let _ = write!(
            self.body,
            r#"<section id="{id}"><h2>{}</h2>"#,
            escape(title)
        );
    }

    fn close(&mut self) {
        self.body.push_str("</section>\n");
    }

    fn para(&mut self, text: &str) {
        let _ = write!(self.body, "<p>{}</p>", escape(text));
    }

    fn figure(&mut self, id: &str, title: &str, note: &str, drawn: Drawn) {
        self.charts += 1;
        let _ = write!(
            self.body,
            r#"<figure class="chart" id="chart-{id}" data-chart="{id}" data-marks="{marks}"><figcaption>{title}</figcaption>{svg}{note}</figure>"#,
            marks = drawn.marks,
            title = escape(title),
            svg = drawn.svg,
            note = if note.is_empty() {
                String::new()
            } else {
                format!(r#"<p class="note">{}</p>"#, escape(note))
            },
        );
    }

    fn table(&mut self, class: &str, head: &[&str], rows: &[Vec<String>]) {
        let _ = write!(self.body, r#"<table class="{class}"><thead><tr>"#);
        for h in head {
            let _ = write!(self.body, "<th>{}</th>", escape(h));
        }
        self.body.push_str("</tr></thead><tbody>");
        for row in rows {
            self.body.push_str("<tr>");
            for cell in row {
                let _ = write!(self.body, "<td>{}</td>", escape(cell));
            }
            self.body.push_str("</tr>");
        }
        self.body.push_str("</tbody></table>");
    }

    fn overview(&mut self, report: &Report) {
        self.open("overview", "Overview");
        self.body.push_str(r#"<div class="tiles">"#);
        for (label, value) in &report.figures {
            let _ = write!(
                self.body,
                r#"<div class="tile"><div class="value">{}</div><div class="label">{}</div></div>"#,
                escape(value),
                escape(label)
            );
        }
        self.body.push_str("</div>");
        if !report.stages.is_empty() {
            let total: f64 = report.stages.iter().map(|s| s.1).sum();
            let rows: Vec<Vec<String>> = report
                .stages
                .iter()
                .map(|(name, s)| {
                    vec![
                        name.clone(),
                        format!("{s:.2} s"),
                        percent(s / total.max(f64::MIN_POSITIVE)),
                    ]
                })
                .collect();
            self.body
                .push_str("<details><summary>Time per stage</summary>");
            self.table("numbers", &["stage", "time", "share"], &rows);
            self.body.push_str("</details>");
        }
        self.close();
    }

    fn quality(&mut self, report: &Report) {
        self.open("quality", "Data quality");
        if report.quality.is_empty() {
            self.para("No table was loaded.");
            self.close();
            return;
        }
        let rows: Vec<Vec<String>> = report
            .quality
            .iter()
            .map(|t| {
                let rejected: u64 = t.rejects.iter().map(|r| r.1).sum();
                vec![
                    t.table.clone(),
                    number(t.rows_read as f64),
                    number(t.rows_loaded as f64),
                    number(rejected as f64),
                    t.duplicates.map_or("–".into(), |(records, entities)| {
                        format!("{} → {}", number(records as f64), number(entities as f64))
                    }),
                    number(t.flagged as f64),
                    t.missing
                        .iter()
                        .map(|(c, s)| format!("{c} {}", percent(*s)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]
            })
            .collect();
        self.table(
            "numbers",
            &[
                "table",
                "rows read",
                "loaded",
                "rejected",
                "records → accounts after deduplication",
                "flagged by checks",
                "most empty columns",
            ],
            &rows,
        );
        let mut bars: Vec<Bar> = Vec::new();
        for t in &report.quality {
            for (reason, n) in &t.rejects {
                bars.push(Bar {
                    label: format!("{}: {reason}", t.table),
                    value: *n as f64,
                    text: number(*n as f64),
                    colour: 2,
                });
            }
        }
        if bars.is_empty() {
            self.para("No row was rejected.");
        } else {
            bars.sort_by(|a, b| b.value.total_cmp(&a.value));
            self.figure(
                "rejects",
                "Rows rejected, by table and reason",
                "Every rejected row is kept in rejects.csv with its file, line, column, value and reason.",
                bar_chart("rows rejected by reason", &bars),
            );
        }
        self.close();
    }

    fn segmentation(&mut self, report: &Report) {
        self.open("segments", "Segments");
        let clusters: Vec<&SegmentCard> = report
            .segments
            .iter()
            .filter(|s| s.kind == "cluster")
            .collect();
        if clusters.is_empty() {
            self.para("The project does not cluster accounts ([segmentation] is disabled or there are no features).");
            self.close();
            return;
        }
        if let Some(choice) = &report.k_choice {
            self.k_choice(choice);
        }
        self.body.push_str(r#"<div class="grid">"#);
        let bars: Vec<Bar> = clusters
            .iter()
            .map(|s| Bar {
                label: format!("{} · {}", s.id, s.name),
                value: s.size as f64,
                text: format!("{} ({})", number(s.size as f64), percent(s.share)),
                colour: s.colour,
            })
            .collect();
        self.figure(
            "sizes",
            "Segment sizes",
            "",
            bar_chart("accounts per segment", &bars),
        );
        if let Some(map) = &report.map {
            let note = format!(
                "{} of {} accounts shown: beyond 3,000, each segment keeps its share of the points, and at least 100 so that small segments show. The two axes are the first two principal components of the clustered features; they explain {} and {} of their variance.",
                number(map.points.len() as f64),
                number(map.accounts as f64),
                percent(map.variance.0),
                percent(map.variance.1)
            );
            self.figure(
                "map",
                "Map of the accounts, coloured by segment",
                &note,
                scatter(&Scatter {
                    label: "accounts on their first two principal components".into(),
                    x_label: format!("first component ({})", percent(map.variance.0)),
                    y_label: format!("second component ({})", percent(map.variance.1)),
                    points: map.points.clone(),
                    groups: map.segments.clone(),
                    ..Scatter::default()
                }),
            );
        }
        self.body.push_str("</div>");
        if let Some(h) = &report.heatmap {
            self.figure(
                "heatmap",
                "Segment profiles: how far each segment's mean is from the rest",
                "Cohen's d of each segment against all other accounts: red above, blue below; ±0.8 is a large difference.",
                heatmap("segment profile heatmap", &h.rows, &h.columns, &h.values, 2.0),
            );
        }
        if let Some(ve) = &report.value_engagement {
            let x_label = if ve.log_value {
                format!("{} (log scale)", ve.value)
            } else {
                ve.value.clone()
            };
            self.figure(
                "value-engagement",
                "Value × engagement",
                "Each segment sits at its accounts' median. The lines split the accounts at the median engagement and at the median value of the accounts with any value (accounts without orders sit on the left edge).",
                scatter(&Scatter {
                    label: "value and engagement of accounts and segments".into(),
                    x_label,
                    y_label: ve.engagement.clone(),
                    points: ve.points.clone(),
                    groups: ve.names.clone(),
                    bubbles: ve
                        .segments
                        .iter()
                        .enumerate()
                        .map(|(i, (name, x, y, n))| Bubble { x: *x, y: *y, size: *n as f64, label: name.clone(), group: i })
                        .collect(),
                    guides: Some(ve.medians),
                    quadrants: Some([
                        "engaged, low value: develop".into(),
                        "engaged, high value: grow".into(),
                        "quiet, low value: automate".into(),
                        "quiet, high value: protect".into(),
                    ]),
                    log_x: ve.log_value,
                }),
            );
        }
        self.close();
    }

    fn k_choice(&mut self, choice: &KChoice) {
        let _ = write!(
            self.body,
            "<h3>Choosing the number of segments: k = {}</h3><ul>",
            choice.chosen
        );
        for reason in &choice.reasons {
            let _ = write!(self.body, "<li>{}</li>", escape(reason));
        }
        self.body.push_str(r#"</ul><div class="grid small">"#);
        type Pick = fn(&crate::model::KRow) -> Option<f64>;
        let criteria: [(&str, &str, &str, Pick); 5] = [
            (
                "elbow",
                "Inertia (elbow)",
                "within-segment sum of squares",
                |r| r.inertia,
            ),
            (
                "silhouette",
                "Silhouette (higher is better)",
                "mean silhouette",
                |r| r.silhouette,
            ),
            (
                "calinski-harabasz",
                "Calinski–Harabasz (higher is better)",
                "Calinski–Harabasz",
                |r| r.calinski_harabasz,
            ),
            (
                "davies-bouldin",
                "Davies–Bouldin (lower is better)",
                "Davies–Bouldin",
                |r| r.davies_bouldin,
            ),
            ("gap", "Gap statistic", "gap", |r| r.gap),
        ];
        for (id, title, y_label, pick) in criteria {
            let points: Vec<(f64, f64)> = choice
                .rows
                .iter()
                .filter_map(|r| pick(r).map(|v| (r.k as f64, v)))
                .collect();
            if points.is_empty() {
                continue;
            }
            self.figure(
                &format!("k-{id}"),
                title,
                "",
                line_chart(&LineChart {
                    label: format!("{y_label} by number of segments"),
                    x_label: "number of segments k".into(),
                    y_label: y_label.into(),
                    series: vec![Series {
                        name: y_label.into(),
                        points,
                    }],
                    marker: Some((choice.chosen as f64, format!("k = {}", choice.chosen))),
                    ..LineChart::default()
                }),
            );
        }
        self.body.push_str("</div>");
    }

    fn personas(&mut self, segments: &[SegmentCard]) {
        if segments.is_empty() {
            return;
        }
        self.open("personas", "Personas");
        self.para("One card per segment: what sets it apart from the other accounts, a few rules of a shallow decision tree that reproduce it (with their fidelity), its typical firmographics and what to do with it.");
        self.body.push_str(r#"<div class="cards">"#);
        for s in segments {
            let _ = write!(
                self.body,
                r#"<article class="card" style="border-top-color:{}"><h3>{}</h3><p class="meta">{} <code>{}</code> · {} accounts ({})</p>"#,
                colour(s.colour),
                escape(&s.name),
                if s.kind == "cluster" {
                    "cluster"
                } else {
                    "rule segment"
                },
                escape(&s.id),
                number(s.size as f64),
                percent(s.share)
            );
            if let Some(rule) = &s.rule {
                let _ = write!(
                    self.body,
                    r#"<p class="rule"><code>{}</code></p>"#,
                    escape(rule)
                );
            }
            if !s.distinguishing.is_empty() {
                self.body.push_str("<h4>Sets it apart</h4><ul>");
                for (feature, d, mean, rest) in &s.distinguishing {
                    let _ = write!(
                        self.body,
                        r#"<li><span class="{}">{} {}</span> {} <span class="muted">(mean {} against {}; d {:+.2})</span></li>"#,
                        if *d >= 0.0 { "up" } else { "down" },
                        if *d >= 0.0 { "▲" } else { "▼" },
                        if *d >= 0.0 { "higher" } else { "lower" },
                        escape(feature),
                        number(*mean),
                        number(*rest),
                        d
                    );
                }
                self.body.push_str("</ul>");
            }
            if !s.explanation.is_empty() {
                let _ = write!(
                    self.body,
                    "<h4>Explained by{}</h4><ul>",
                    s.fidelity
                        .map_or(String::new(), |f| format!(" (fidelity F1 {f:.2})"))
                );
                for (text, coverage, precision) in &s.explanation {
                    let _ = write!(
                        self.body,
                        r#"<li><code>{}</code> <span class="muted">{} of the segment, precision {}</span></li>"#,
                        escape(text),
                        percent(*coverage),
                        percent(*precision)
                    );
                }
                self.body.push_str("</ul>");
            }
            if !s.mix.is_empty() {
                self.body.push_str("<h4>Typical firmographics</h4><ul>");
                for (feature, value, share, lift) in &s.mix {
                    let _ = write!(
                        self.body,
                        r#"<li>{}: <strong>{}</strong> {} <span class="muted">(×{:.1} the population's share)</span></li>"#,
                        escape(feature),
                        escape(value),
                        percent(*share),
                        lift
                    );
                }
                self.body.push_str("</ul>");
            }
            for (action, reason) in &s.actions {
                let _ = write!(
                    self.body,
                    r#"<p class="action"><strong>Suggested:</strong> {} <span class="muted">— {}</span></p>"#,
                    escape(action),
                    escape(reason)
                );
            }
            self.body.push_str("</article>");
        }
        self.body.push_str("</div>");
        self.close();
    }

    fn rules_and_tags(&mut self, report: &Report) {
        if report.rules.is_empty() && report.tags.is_empty() && report.exports.is_empty() {
            return;
        }
        self.open("rules", "Rule segments, tags and exports");
        if !report.rules.is_empty() {
            let rows: Vec<Vec<String>> = report
                .rules
                .iter()
                .map(|r| {
                    vec![
                        r.name.clone(),
                        r.description.clone(),
                        r.rule.clone(),
                        r.within.clone().unwrap_or_default(),
                        number(r.accounts as f64),
                        percent(r.share),
                    ]
                })
                .collect();
            self.table(
                "rules",
                &[
                    "segment",
                    "description",
                    "rule",
                    "within",
                    "accounts",
                    "share",
                ],
                &rows,
            );
        }
        let mut bars: Vec<Bar> = report
            .rules
            .iter()
            .map(|r| Bar {
                label: r.name.clone(),
                value: r.accounts as f64,
                text: number(r.accounts as f64),
                colour: 0,
            })
            .collect();
        bars.extend(report.tags.iter().map(|t| Bar {
            label: format!("tag {}", t.name),
            value: t.accounts as f64,
            text: number(t.accounts as f64),
            colour: 1,
        }));
        if !report.tags.is_empty() {
            let rows: Vec<Vec<String>> = report
                .tags
                .iter()
                .map(|t| {
                    vec![
                        t.name.clone(),
                        t.on.clone(),
                        number(t.accounts as f64),
                        number(t.contacts as f64),
                        number(t.expired as f64),
                        number(t.removed as f64),
                    ]
                })
                .collect();
            self.table(
                "numbers",
                &["tag", "on", "accounts", "contacts", "expired", "removed"],
                &rows,
            );
        }
        if !report.exports.is_empty() {
            let rows: Vec<Vec<String>> = report
                .exports
                .iter()
                .map(|e| {
                    vec![
                        e.file.clone(),
                        e.segment.clone(),
                        format!("{} {}", number(e.rows as f64), e.of),
                        e.format.clone(),
                        if e.of == "contacts" {
                            number(e.excluded_without_consent as f64)
                        } else {
                            "–".into()
                        },
                    ]
                })
                .collect();
            self.table(
                "numbers",
                &[
                    "export",
                    "segment",
                    "rows",
                    "format",
                    "contacts left out without e-mail consent",
                ],
                &rows,
            );
        }
        if bars.is_empty() {
            self.close();
            return;
        }
        self.figure(
            "rule-counts",
            "Accounts per rule segment and tag",
            "",
            bar_chart("accounts per rule segment and tag", &bars),
        );
        self.close();
    }

    fn stability(&mut self, stability: Option<&StabilityFigures>) {
        let Some(s) = stability else { return };
        self.open("stability", "Stability");
        self.para(&format!(
            "The segmentation was fitted again on {} random subsamples of {} of the accounts. The mean adjusted Rand index between each refit and the segments shown here is {:.3} (1 means the same segments every time). A segment whose mean Jaccard index is below 0.6 is not reliable; above 0.75 it is stable.",
            s.runs,
            percent(s.fraction),
            s.mean_ari
        ));
        let bars: Vec<Bar> = s
            .segments
            .iter()
            .enumerate()
            .map(|(i, (name, jaccard, dissolved))| Bar {
                label: name.clone(),
                value: *jaccard,
                text: if *dissolved > 0.0 {
                    format!("{jaccard:.2}, dissolved in {}", percent(*dissolved))
                } else {
                    format!("{jaccard:.2}")
                },
                colour: i,
            })
            .collect();
        self.figure(
            "stability",
            "Mean Jaccard index of each segment across refits",
            "",
            bar_chart("stability per segment", &bars),
        );
        self.close();
    }

    fn changes(&mut self, changes: Option<&Changes>) {
        self.open("changes", "Changes since the previous run");
        let Some(c) = changes else {
            self.para("This is the workspace's first run: there is nothing to compare with yet.");
            self.close();
            return;
        };
        let _ = write!(
            self.body,
            "<p>Compared with run <code>{}</code>: {} accounts in both, {} new, {} gone.{}</p>",
            escape(&c.previous),
            number(c.common as f64),
            number(c.added as f64),
            number(c.removed as f64),
            c.adjusted_rand_index.map_or(String::new(), |ari| format!(
                " Adjusted Rand index between the two segmentations: {ari:.3}; {} accounts changed segment.",
                number(c.moved as f64)
            ))
        );
        if !c.movements.is_empty() {
            let rows: Vec<Vec<String>> = c
                .movements
                .iter()
                .map(|(f, t, n)| vec![f.clone(), t.clone(), number(*n as f64)])
                .collect();
            self.table(
                "numbers",
                &["from segment", "to segment", "accounts"],
                &rows,
            );
        }
        if !c.segments.is_empty() {
            let rows: Vec<Vec<String>> = c
                .segments
                .iter()
                .map(|(name, before, now, entered, left)| {
                    vec![
                        name.clone(),
                        number(*before as f64),
                        number(*now as f64),
                        number(*entered as f64),
                        number(*left as f64),
                    ]
                })
                .collect();
            self.table(
                "numbers",
                &["rule segment or tag", "before", "now", "entered", "left"],
                &rows,
            );
        }
        if !c.settings.is_empty() {
            let rows: Vec<Vec<String>> = c
                .settings
                .iter()
                .map(|(k, a, b)| vec![k.clone(), a.clone(), b.clone()])
                .collect();
            self.table("settings", &["setting", "before", "now"], &rows);
        }
        if !c.inputs.is_empty() {
            self.para(&format!(
                "Input files whose content changed: {}.",
                c.inputs.join(", ")
            ));
        }
        self.close();
    }

    fn scores(&mut self, scores: &[ScoreSection]) {
        if scores.is_empty() {
            return;
        }
        self.open("scores", "Scores");
        for s in scores {
            let _ = write!(
                self.body,
                "<h3>{}</h3><p>{} model trained on {} rows ({} positive), split {}. Threshold {:.3} ({}); {} of {} accounts scored are predicted positive.{}</p>",
                escape(&s.name),
                escape(&s.model),
                number(s.rows as f64),
                number(s.positives as f64),
                escape(&s.split),
                s.threshold.0,
                escape(&s.threshold.1),
                number(s.scored.1 as f64),
                number(s.scored.0 as f64),
                s.cv_auc.map_or(String::new(), |(m, sd)| format!(
                    " Cross-validated AUC {m:.3} ± {sd:.3}."
                ))
            );
            self.body.push_str(r#"<div class="tiles">"#);
            for (label, value) in &s.test {
                let _ = write!(
                    self.body,
                    r#"<div class="tile"><div class="value">{value:.3}</div><div class="label">test {}</div></div>"#,
                    escape(label)
                );
            }
            self.body.push_str(r#"</div><div class="grid small">"#);
            let id = |chart: &str| format!("{}-{chart}", s.name);
            self.figure(
                &id("roc"),
                "ROC curve (test split)",
                "",
                line_chart(&LineChart {
                    label: "ROC curve".into(),
                    x_label: "false positive rate".into(),
                    y_label: "true positive rate".into(),
                    series: vec![Series {
                        name: "ROC".into(),
                        points: s.roc.clone(),
                    }],
                    reference: Some(vec![(0.0, 0.0), (1.0, 1.0)]),
                    unit_square: true,
                    ..LineChart::default()
                }),
            );
            let prevalence = s.positives as f64 / (s.rows.max(1)) as f64;
            self.figure(
                &id("pr"),
                "Precision–recall curve (test split)",
                "The dashed line is the share of positives: a random ranking's precision.",
                line_chart(&LineChart {
                    label: "precision-recall curve".into(),
                    x_label: "recall".into(),
                    y_label: "precision".into(),
                    series: vec![Series {
                        name: "precision".into(),
                        points: s.pr.clone(),
                    }],
                    reference: Some(vec![(0.0, prevalence), (1.0, prevalence)]),
                    unit_square: true,
                    ..LineChart::default()
                }),
            );
            self.figure(
                &id("calibration"),
                "Calibration (test split)",
                "Points on the diagonal: predicted probabilities match observed rates.",
                line_chart(&LineChart {
                    label: "calibration curve".into(),
                    x_label: "mean predicted probability".into(),
                    y_label: "observed share of positives".into(),
                    series: vec![Series {
                        name: "calibration".into(),
                        points: s.calibration.clone(),
                    }],
                    reference: Some(vec![(0.0, 0.0), (1.0, 1.0)]),
                    unit_square: true,
                    ..LineChart::default()
                }),
            );
            let bars: Vec<Bar> = s
                .importance
                .iter()
                .map(|(f, v)| Bar {
                    label: f.clone(),
                    value: *v,
                    text: format!("{v:.4}"),
                    colour: 0,
                })
                .collect();
            self.figure(
                &id("importance"),
                "Permutation importance (drop in test AUC)",
                "",
                bar_chart("feature importance", &bars),
            );
            self.body.push_str("</div>");
            let rows: Vec<Vec<String>> = s
                .gains
                .iter()
                .map(|(band, rows, positives, lift, gain)| {
                    vec![
                        band.to_string(),
                        number(*rows as f64),
                        number(*positives as f64),
                        format!("{lift:.2}"),
                        percent(*gain),
                    ]
                })
                .collect();
            self.body
                .push_str("<h4>Lift by decile of score (test split)</h4>");
            self.table(
                "numbers",
                &["decile", "rows", "positives", "lift", "cumulative gain"],
                &rows,
            );
        }
        self.close();
    }
}

const STYLE: &str = r#"
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--accent:#4e79a7}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
header{background:#1f2933;color:#fff;padding:20px 32px 12px}
header h1{margin:0;font-size:26px}
.subtitle{margin:4px 0 10px;color:#cbd2d9}
nav a{color:#9fb3c8;margin-right:16px;text-decoration:none;font-size:14px}
main{max-width:1240px;margin:0 auto;padding:8px 24px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 24px 20px;margin:20px 0}
h2{font-size:21px;border-bottom:1px solid var(--line);padding-bottom:6px}
h3{font-size:17px;margin:18px 0 6px}
h4{font-size:14px;margin:12px 0 4px;color:var(--muted)}
code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px;background:#f0f4f8;padding:1px 4px;border-radius:3px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:150px}
.tile .value{font-size:22px;font-weight:600}
.tile .label{color:var(--muted);font-size:13px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
.grid.small{grid-template-columns:repeat(auto-fit,minmax(400px,1fr))}
figure{margin:12px 0;overflow-x:auto}
figcaption{font-weight:600;margin-bottom:4px}
figure svg{max-width:100%;height:auto}
.note,.muted{color:var(--muted);font-size:13px}
table{border-collapse:collapse;margin:10px 0;font-size:14px;width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f4f8}
table.numbers td:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px}
.card{border:1px solid var(--line);border-top:6px solid var(--accent);border-radius:6px;padding:4px 16px 12px;break-inside:avoid}
.card h3{margin-top:10px}
.card ul{padding-left:18px;margin:4px 0}
.meta{color:var(--muted);margin:0}
.up{color:#c0392b}.down{color:#2962a8}
.action{background:#f0f4f8;padding:6px 10px;border-radius:4px}
svg text{font-family:system-ui,"DejaVu Sans",sans-serif;fill:#1f2933}
svg .tick,svg .legend,svg .bar-value,svg .cell-value{font-size:11px}
svg .bar-label,svg .column-label{font-size:12px}
svg .axis-title{font-size:12px;fill:#616e7c}
svg .axis{stroke:#9aa5b1;stroke-width:1}
svg .grid{stroke:#eef2f6;stroke-width:1}
svg .guide{stroke:#616e7c;stroke-dasharray:4 3}
svg .quadrant{font-size:12px;fill:#9aa5b1;font-style:italic}
svg .series{fill:none;stroke-width:2}
svg .reference{fill:none;stroke:#9aa5b1;stroke-dasharray:5 4}
svg .marker{stroke:#e15759;stroke-dasharray:3 3}
svg .marker-text{font-size:11px;fill:#e15759}
svg .dots circle{fill-opacity:.55}
svg .bubble{fill-opacity:.85;stroke:#1f2933;stroke-width:1}
svg .bubble-label{font-size:12px;font-weight:600}
footer{text-align:center;color:var(--muted);font-size:13px;padding:20px}
@media print{body{background:#fff}header{background:#fff;color:#000}nav{display:none}section{border:none;break-inside:avoid-page}.grid,.grid.small{grid-template-columns:1fr}}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KRow, RuleRow, TableQuality};

    fn report() -> Report {
        Report {
            title: "Démo <Île-de-France>".into(),
            run_id: "20261203-120000-001".into(),
            as_of: "2026-11-01".into(),
            quality: vec![TableQuality {
                table: "accounts".into(),
                rows_read: 10,
                rows_loaded: 9,
                rejects: vec![("unparsable value".into(), 1)],
                ..TableQuality::default()
            }],
            k_choice: Some(KChoice {
                rows: (2..6)
                    .map(|k| KRow {
                        k,
                        silhouette: Some(0.1 * k as f64),
                        ..KRow::default()
                    })
                    .collect(),
                chosen: 5,
                reasons: vec!["k = 5 has the highest silhouette".into()],
            }),
            segments: vec![SegmentCard {
                kind: "cluster".into(),
                id: "0".into(),
                name: "Comptes fidèles".into(),
                size: 9,
                share: 1.0,
                ..SegmentCard::default()
            }],
            rules: vec![RuleRow {
                name: "idf".into(),
                rule: "region = 'Île-de-France'".into(),
                accounts: 3,
                ..RuleRow::default()
            }],
            ..Report::default()
        }
    }

    #[test]
    fn the_page_escapes_text_and_every_chart_has_data() {
        let rendered = render(&report());
        assert_eq!(rendered.charts, rendered.html.matches("<figure").count());
        let html = rendered.html;
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<h1>Démo &lt;Île-de-France&gt;</h1>"));
        assert!(html.contains("region = &#39;Île-de-France&#39;"));
        for chart in ["rejects", "k-silhouette", "sizes", "rule-counts"] {
            assert!(
                html.contains(&format!(r#"data-chart="{chart}""#)),
                "{chart} missing"
            );
        }
        assert!(!html.contains(r#"data-marks="0""#));
        assert!(html.contains("first run"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn sections_without_data_say_why_instead_of_drawing_empty_charts() {
        let html = render(&Report::default()).html;
        assert!(html.contains("No table was loaded."));
        assert!(html.contains("does not cluster accounts"));
        assert!(!html.contains("<figure"));
    }
}
