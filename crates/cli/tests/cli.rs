//! The `cible` binary end to end: exit codes, files written, messages.

use std::path::Path;
use std::process::{Command, Output};

fn cible(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cible"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the cible binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn demo_runs_end_to_end_and_agrees_with_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    let o = cible(
        &["demo", "--accounts", "300", "--out", "demo", "--json"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let score = &json["rejects_vs_truth"];
    assert!(score["planted"].as_u64().unwrap() > 0, "{score}");
    assert_eq!(score["planted"], score["rejected"]);
    assert_eq!(score["unexpected"], 0);
    let tables = json["run"]["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 4);
    for t in tables {
        assert!(t["rows_loaded"].as_u64().unwrap() > 0, "{t}");
        let read = t["rows_read"].as_u64().unwrap();
        assert_eq!(
            read,
            t["rows_loaded"].as_u64().unwrap() + t["rows_rejected"].as_u64().unwrap()
        );
    }
    let demo = dir.path().join("demo");
    let latest = std::fs::read_to_string(demo.join("workspace/LATEST")).unwrap();
    let run_dir = demo.join("workspace/runs").join(latest.trim());
    for file in [
        "run.json",
        "rejects.csv",
        "tables/accounts.parquet",
        "tables/events.parquet",
    ] {
        assert!(run_dir.join(file).exists(), "{file}");
    }
    // The run is recorded in the catalog as it commits.
    assert!(demo.join("workspace/catalog.sqlite").exists());
    // Deduplication: every loaded account and contact in exactly one entity, scored against the
    // planted pairs.
    for (table, t) in ["accounts", "contacts"].iter().zip(tables) {
        let entities =
            std::fs::read_to_string(run_dir.join(format!("entities/{table}.csv"))).unwrap();
        let ids: Vec<&str> = entities
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(
            ids.len() as u64,
            t["rows_loaded"].as_u64().unwrap(),
            "{table}"
        );
        let unique: std::collections::HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{table}: a record in two entities");
        // One golden record per entity, whose lineage lists every member once.
        let mut golden =
            csv::Reader::from_path(run_dir.join(format!("entities/{table}_golden.csv"))).unwrap();
        let entity_ids: std::collections::HashSet<&str> = entities
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap())
            .collect();
        let mut merged = 0;
        let mut golden_rows = 0;
        for row in golden.records() {
            let row = row.unwrap();
            assert!(
                entity_ids.contains(&row[0]),
                "{table}: unknown entity {}",
                &row[0]
            );
            merged += row[row.len() - 2].parse::<usize>().unwrap();
            golden_rows += 1;
        }
        assert_eq!(golden_rows, entity_ids.len(), "{table}");
        assert_eq!(
            merged,
            ids.len(),
            "{table}: every record in one golden record"
        );
        let score = &json["duplicates_vs_truth"][*table];
        assert!(score["f1"].as_f64().unwrap() >= 0.98, "{table}: {score}");
    }
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("run.json")).unwrap()).unwrap();
    let stages: Vec<&str> = record["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "ingest", "checks", "dedup", "impute", "quality", "features", "segment", "scores",
            "tags", "rules", "profile", "exports", "report"
        ]
    );
    // The checks find the outliers planted in the columns they look at, and little else.
    let outliers = json["outliers_vs_truth"].as_array().unwrap();
    let total = |key: &str| {
        outliers
            .iter()
            .map(|o| o[key].as_u64().unwrap())
            .sum::<u64>()
    };
    assert!(outliers.len() >= 4, "{outliers:?}");
    assert!(total("found") * 10 >= total("planted") * 9, "{outliers:?}");
    assert!(total("others") <= 2, "{outliers:?}");
    // Imputed golden accounts: no head count left empty, each fill flagged.
    let mut clean = csv::Reader::from_path(run_dir.join("clean/accounts.csv")).unwrap();
    let header = clean.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (employees, flag) = (at("employees"), at("employees_imputed"));
    let rows: Vec<csv::StringRecord> = clean.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| !r[employees].is_empty()));
    let flagged = rows.iter().filter(|r| &r[flag] == "true").count();
    // The data-quality report: every table, its columns least complete first, and for the
    // deduplicated ones the closest merges explained field by field.
    let quality: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("quality.json")).unwrap())
            .unwrap();
    let reported = quality["tables"].as_array().unwrap();
    assert_eq!(reported.len(), 4);
    for (q, t) in reported.iter().zip(tables) {
        assert_eq!(q["table"], t["table"]);
        assert_eq!(q["rows_rejected"], t["rows_rejected"]);
        let shares: Vec<f64> = q["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["missing_share"].as_f64().unwrap())
            .collect();
        assert!(!shares.is_empty());
        assert!(shares.windows(2).all(|w| w[0] >= w[1]), "{shares:?}");
    }
    let accounts = &reported[0];
    assert_eq!(
        accounts["checks"]["rules"].as_array().unwrap().len(),
        3,
        "{accounts}"
    );
    let imputed = &accounts["imputation"]["columns"][0];
    assert_eq!(imputed["column"], "employees");
    assert_eq!(
        imputed["filled"].as_u64().unwrap(),
        flagged as u64,
        "{imputed}"
    );
    let employees = accounts["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == "employees")
        .unwrap();
    assert_eq!(
        employees["missing_share_after_imputation"], 0.0,
        "{employees}"
    );
    for q in &reported[..2] {
        let duplicates = &q["duplicates"];
        let merges = duplicates["closest_merges"].as_array().unwrap();
        assert!(!merges.is_empty(), "{q}");
        for m in merges {
            assert!(m["probability"].as_f64().unwrap() >= 0.9, "{m}");
            assert!(!m["evidence"].as_array().unwrap().is_empty(), "{m}");
        }
        // Merging duplicates fills gaps: some column is more complete in the golden records.
        assert!(
            q["columns"].as_array().unwrap().iter().any(|c| {
                c["missing_share_after_merge"].as_f64().unwrap()
                    < c["missing_share"].as_f64().unwrap()
            }),
            "{q}"
        );
    }
    assert!(reported[2]["duplicates"].is_null());
    // Features: one row per account entity, every feature in the catalogue.
    let features = &json["run"]["features"];
    let golden_accounts = csv::Reader::from_path(run_dir.join("entities/accounts_golden.csv"))
        .unwrap()
        .records()
        .count() as u64;
    assert_eq!(features["accounts"].as_u64().unwrap(), golden_accounts);
    let catalog: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("features/catalog.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(catalog.len() as u64, features["features"].as_u64().unwrap());
    assert!(catalog.len() >= 90, "{}", catalog.len());
    // Segments: every account entity once, k chosen over 2..=10 with its reasons, and the
    // planted segments found again.
    let segments = &json["run"]["segments"];
    let assigned = csv::Reader::from_path(run_dir.join("segments/accounts.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap()[1].parse::<usize>().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(assigned.len() as u64, golden_accounts);
    let k = segments["k"].as_u64().unwrap() as usize;
    assert!((2..=10).contains(&k), "{segments}");
    assert!(assigned.iter().all(|&s| s < k));
    assert_eq!(segments["sizes"].as_array().unwrap().len(), k, "{segments}");
    assert!(
        !segments["k_selection"]["reasons"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let model: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("segments/model.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(model["centroids"].as_array().unwrap().len(), k);
    // The six planted segments are found again (here k = 6, adjusted Rand index 0.87); the
    // 20,000-account demo's figure is in the README.
    let recovery = &json["segments_vs_truth"];
    assert_eq!(recovery["accounts"].as_u64().unwrap(), 299, "{recovery}");
    assert!(
        recovery["adjusted_rand_index"].as_f64().unwrap() >= 0.8,
        "{recovery}"
    );
    assert!(
        recovery["normalized_mutual_info"].as_f64().unwrap() >= 0.8,
        "{recovery}"
    );
    check_profiles(&run_dir, &json, k);
    let inputs = record["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 4);
    assert!(
        inputs
            .iter()
            .all(|i| i["sha256"].as_str().unwrap().len() == 64)
    );

    // Running the project again gives a second run with identical tables.
    let again = cible(&["run", "--project", "demo", "--quiet"], dir.path());
    assert!(again.status.success(), "{}", stderr(&again));
    let latest2 = std::fs::read_to_string(demo.join("workspace/LATEST")).unwrap();
    assert_ne!(latest, latest2);
    let run_dir2 = demo.join("workspace/runs").join(latest2.trim());
    for file in [
        "tables/accounts.parquet",
        "tables/contacts.parquet",
        "tables/orders.parquet",
        "tables/events.parquet",
        "features/accounts.parquet",
        "segments/accounts.csv",
        "segments/model.json",
    ] {
        let table = file;
        assert_eq!(
            std::fs::read(run_dir.join(file)).unwrap(),
            std::fs::read(run_dir2.join(file)).unwrap(),
            "{table} differs between runs"
        );
    }

    // The project's [[exports]] are written into the run, as `cible export` writes them.
    let hubspot =
        std::fs::read_to_string(run_dir.join("exports/hot_prospects_contacts.csv")).unwrap();
    assert!(
        hubspot.starts_with("Email,First Name,Last Name,Phone Number,Job Title,Company Name\n")
    );
    let by_hand = cible(
        &[
            "export",
            "--project",
            "demo",
            "--run",
            latest.trim(),
            "--segment",
            "hot_prospects",
            "--as",
            "hubspot",
            "--out",
            "hot.csv",
            "--quiet",
        ],
        dir.path(),
    );
    assert!(by_hand.status.success(), "{}", stderr(&by_hand));
    assert_eq!(
        hubspot,
        std::fs::read_to_string(dir.path().join("hot.csv")).unwrap()
    );
    let cooling =
        std::fs::read_to_string(run_dir.join("exports/valuable_customers_cooling_accounts.csv"))
            .unwrap();
    assert!(cooling.starts_with(
        "account_id,name,country,sector_label,monetary_36m,recency_days,lifecycle_stage\n"
    ));
    let exports = record["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "exports")
        .unwrap();
    for (e, text) in exports["details"]
        .as_array()
        .unwrap()
        .iter()
        .zip([&hubspot, &cooling])
    {
        assert_eq!(
            e["rows"].as_u64().unwrap() as usize,
            text.lines().count() - 1,
            "{e}"
        );
    }

    // The report: every chart has data, the first run says there is nothing to compare with,
    // the second finds the same segments, and Chromium renders it.
    let first = check_report(
        &run_dir,
        &[
            "rejects",
            "k-elbow",
            "k-silhouette",
            "k-calinski-harabasz",
            "k-davies-bouldin",
            "sizes",
            "map",
            "heatmap",
            "value-engagement",
            "rule-counts",
            "stability",
        ],
    );
    assert!(first.contains("first run"), "the first run's report");
    let second = check_report(&run_dir2, &["sizes", "map", "stability"]);
    assert!(
        second.contains(&format!("Compared with run <code>{}</code>", latest.trim()))
            && second.contains("Adjusted Rand index between the two segmentations: 1.000; 0 accounts changed segment."),
        "the second run's report compares with the first"
    );
    screenshot_report(&run_dir2.join("report.html"), dir.path());
    // `cible report` renders the same charts again from the run's files, into another file.
    let again = cible(
        &[
            "report",
            "--project",
            "demo",
            "--out",
            "again.html",
            "--json",
        ],
        dir.path(),
    );
    assert!(again.status.success(), "{}", stderr(&again));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(summary["run"], latest2.trim());
    assert_eq!(summary["previous"], latest.trim());
    let charts = |html: &str| -> Vec<String> {
        html.split(r#"<figure class="chart""#)
            .skip(1)
            .map(|f| f.split('>').next().unwrap_or("").to_string())
            .collect()
    };
    let rendered = std::fs::read_to_string(dir.path().join("again.html")).unwrap();
    assert_eq!(charts(&rendered), charts(&second));
    assert!(rendered.contains("Adjusted Rand index between the two segmentations: 1.000"));
    // `--run previous` is the first run, which has no run before it.
    let previous = cible(
        &[
            "report",
            "--project",
            "demo",
            "--run",
            "previous",
            "--out",
            "first.html",
            "--json",
        ],
        dir.path(),
    );
    assert!(previous.status.success(), "{}", stderr(&previous));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&previous)).unwrap();
    assert_eq!(summary["run"], latest.trim());
    assert!(summary["previous"].is_null(), "{summary}");
    let rendered = std::fs::read_to_string(dir.path().join("first.html")).unwrap();
    assert_eq!(charts(&rendered), charts(&first));
    let missing = cible(
        &[
            "report",
            "--project",
            "demo",
            "--run",
            "19990101-000000-001",
            "--out",
            "x.html",
        ],
        dir.path(),
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no run 19990101-000000-001"),
        "{}",
        stderr(&missing)
    );
}

/// Checks `RUN_DIR/report.html`: one self-contained page without scripts or remote
/// resources, holding each of `charts`, and no chart without data marks. Returns the page.
fn check_report(run_dir: &Path, charts: &[&str]) -> String {
    let html = std::fs::read_to_string(run_dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for forbidden in ["<script", "src=\"http", "href=\"http", "<link"] {
        assert!(!html.contains(forbidden), "the report holds {forbidden}");
    }
    for chart in charts {
        assert!(
            html.contains(&format!(r#"data-chart="{chart}""#)),
            "the report has no {chart} chart"
        );
    }
    let mut figures = 0;
    for part in html.split(r#"<figure class="chart""#).skip(1) {
        figures += 1;
        let id = part.split('"').nth(3).unwrap_or("?");
        let marks: usize = part
            .split("data-marks=\"")
            .nth(1)
            .and_then(|m| m.split('"').next())
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        assert!(marks > 0, "chart {id} has no data");
        assert!(part.contains("<svg"), "chart {id} has no drawing");
    }
    assert!(figures >= charts.len());
    html
}

/// Renders `report` in headless Chromium (installed by `.ci/run` from Debian's packages):
/// the browser parses every chart, and its screenshot shows the charts' colours.
fn screenshot_report(report: &Path, scratch: &Path) {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect(
            "Chromium is needed to check the report: `apt-get install chromium` (.ci/run does)",
        );
    let url = format!("file://{}", report.canonicalize().unwrap().display());
    let headless = |extra: &[&str]| {
        let profile = scratch.join("chromium-profile");
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--hide-scrollbars".into(),
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1280,6000".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        args.push(url.clone());
        let o = Command::new(browser).args(&args).output().unwrap();
        assert!(o.status.success(), "{browser} failed: {}", stderr(&o));
        o
    };
    let dom = stdout(&headless(&["--dump-dom"]));
    let html = std::fs::read_to_string(report).unwrap();
    assert_eq!(
        dom.matches("<svg").count(),
        html.matches("<svg").count(),
        "Chromium parsed a different number of charts"
    );
    let png = scratch.join("report.png");
    headless(&[&format!("--screenshot={}", png.display())]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (1280, 6000));
    let channels = info.line_size / info.width as usize;
    let rgb: Vec<&[u8]> = pixels[..info.buffer_size()].chunks(channels).collect();
    // The first segment's colour fills its bars and map points; the header is dark.
    let segment_blue = rgb.iter().filter(|p| p[..3] == [0x4e, 0x79, 0xa7]).count();
    assert!(
        segment_blue > 500,
        "{segment_blue} pixels of the charts' first colour"
    );
    let dark = rgb.iter().filter(|p| p[..3] == [0x1f, 0x29, 0x33]).count();
    assert!(dark > 20_000, "{dark} pixels of the header");
}

/// The demo's profiles: every segment described with rules and their fidelity, and each
/// planted segment's best-matching cluster set apart by the features the generator plants
/// (`crates/generator/src/lib.rs`) and named with their words.
fn check_profiles(run_dir: &Path, json: &serde_json::Value, k: usize) {
    let file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("profiles/segments.json")).unwrap(),
    )
    .unwrap();
    // The clusters first, then the rule segments.
    let all = file["segments"].as_array().unwrap();
    let profiles = &all[..k];
    assert!(all[k..].iter().all(|p| p["kind"] == "rule"));
    let mut names = std::collections::HashSet::new();
    for p in profiles {
        assert_eq!(p["kind"], "cluster");
        assert!(names.insert(p["generated_name"].as_str().unwrap()), "{p}");
        let e = &p["explanation"];
        assert!(!e["rules"].as_array().unwrap().is_empty(), "{e}");
        for key in ["accuracy", "f1"] {
            assert!(e["fidelity"][key].as_f64().unwrap() >= 0.8, "{e}");
        }
        assert!(!p["actions"].as_array().unwrap().is_empty());
    }
    // The run's summary carries the same figures.
    let briefs = json["run"]["profiles"]["segments"].as_array().unwrap();
    assert_eq!(briefs.len(), all.len());
    assert!(briefs.iter().all(|b| b["fidelity"]["f1"].is_number()));
    // Long format: a header and rows for every segment.
    let table = std::fs::read_to_string(run_dir.join("profiles/features.csv")).unwrap();
    assert!(table.starts_with("segment,generated_name,feature,category,statistic,value\n"));
    for label in 0..k {
        assert!(table.contains(&format!("\n{label},")), "segment {label}");
    }
    // Planted segment: (features of which one must set it apart in that direction among the
    // top five, words of which one must be in its name).
    type Expected<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let expected: [Expected; 6] = [
        (
            "large_loyal",
            &[
                ("monetary_36m", "higher"),
                ("monetary_total", "higher"),
                ("orders_36m", "higher"),
            ],
            &["high-value", "frequent"],
        ),
        ("dormant", &[("recency_days", "higher")], &["dormant"]),
        (
            "engaged_prospect",
            &[("intent_score", "higher"), ("pricing_views_30d", "higher")],
            &["high-intent"],
        ),
        (
            "digital_researcher",
            &[("downloads_365d", "higher"), ("page_views_365d", "higher")],
            &["content-hungry", "web-reading"],
        ),
        (
            "fast_growing",
            &[("tenure_days", "lower"), ("orders_3m", "higher")],
            &["new", "active", "growing"],
        ),
        (
            "price_sensitive",
            &[("email_opens_365d", "higher"), ("m_score", "lower")],
            &["low-value", "occasional", "e-mail-reading"],
        ),
    ];
    let table = &json["segments_vs_truth"]["table"];
    for (planted, features, words) in expected {
        let counts: Vec<u64> = table[planted]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        let best = (0..counts.len()).max_by_key(|&l| counts[l]).unwrap();
        let p = &profiles[best];
        let top: Vec<(&str, &str)> = p["distinguishing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["feature"].as_str().unwrap(),
                    d["direction"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(
            features.iter().any(|f| top.contains(f)),
            "{planted}: {top:?}"
        );
        let name = p["generated_name"].as_str().unwrap().to_lowercase();
        assert!(words.iter().any(|w| name.contains(w)), "{planted}: {name}");
        if planted == "digital_researcher" {
            // Readers, not meeting-goers.
            assert!(
                !top.iter()
                    .any(|(f, d)| *d == "higher"
                        && (f.starts_with("webinar") || f.starts_with("demo"))),
                "{top:?}"
            );
        }
    }
}

/// Pairwise F1 of the pairs `found` (CSV, first two columns) against the pairs in `truth`.
fn pair_f1(found: &Path, truth: &Path) -> f64 {
    let read = |path: &Path| -> std::collections::HashSet<(String, String)> {
        csv::Reader::from_path(path)
            .unwrap()
            .records()
            .map(|r| {
                let r = r.unwrap();
                let (a, b) = (r[0].to_string(), r[1].to_string());
                if a < b { (a, b) } else { (b, a) }
            })
            .collect()
    };
    let (found, truth) = (read(found), read(truth));
    let right = found.intersection(&truth).count() as f64;
    2.0 * right / (found.len() + truth.len()) as f64
}

#[test]
fn planted_duplicates_of_a_larger_world_are_found() {
    // The demo's project on a world of 3,000 accounts, without the segmentation stage.
    let dir = tempfile::tempdir().unwrap();
    let o = cible(
        &["demo", "--accounts", "50", "--out", "w", "-q"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let world = dir.path().join("w");
    let o = cible(
        &[
            "generate",
            "--accounts",
            "3000",
            "--seed",
            "7",
            "--out",
            "w",
            "-q",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let project = world.join("cible.toml");
    let text = std::fs::read_to_string(&project).unwrap();
    let text = text.replace(
        "[segmentation]\nenabled = true",
        "[segmentation]\nenabled = false",
    );
    std::fs::write(&project, text).unwrap();
    let o = cible(&["run", "--project", "w", "-q"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let latest = std::fs::read_to_string(world.join("workspace/LATEST")).unwrap();
    let run_dir = world.join("workspace/runs").join(latest.trim());
    assert!(!run_dir.join("segments").exists());
    for table in ["accounts", "contacts"] {
        let f1 = pair_f1(
            &run_dir.join(format!("entities/{table}_pairs.csv")),
            &world.join(format!("truth/duplicate_{table}.csv")),
        );
        assert!(f1 >= 0.98, "{table}: F1 {f1}");
    }
    // The run's conversion score ([[scores]] of the demo project): trained on the prospects
    // as of as_of, labelled by the planted orders of the 90 days after it. The generator's
    // own conversion probabilities rank this world's prospects with an AUC of 0.824, and on
    // random test sets of this size (171 rows) with 0.827 ± 0.036: the score must come
    // close, on the test rows and (steadier) in cross-validation.
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join("scores/conversion/metrics.json")).unwrap(),
    )
    .unwrap();
    let auc = m["test"]["auc"].as_f64().unwrap();
    assert!(auc >= 0.78, "run's conversion test AUC {auc}");
    let cv_auc = m["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["mean_auc"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert!(
        cv_auc >= 0.8,
        "run's conversion cross-validated AUC {cv_auc}"
    );
    // The planted drivers (a demo request and pricing-page views within 90 days, webinars
    // attended, the last engagement's recency) lead the permutation importance: the demo
    // request first, and at least three of the four among the top four columns (all four
    // here; on 171 test rows the ranks below the first are noisy from one world to another).
    let drivers = [
        "demo_requests_",
        "pricing_views_",
        "webinar_attendances_",
        "last_engagement_days",
    ];
    let top: Vec<&str> = m["importance"].as_array().unwrap()[..4]
        .iter()
        .map(|i| i["column"].as_str().unwrap())
        .collect();
    assert_eq!(top[0], "demo_requests_90d", "top columns {top:?}");
    let found = drivers
        .iter()
        .filter(|d| top.iter().any(|c| c.starts_with(*d)))
        .count();
    assert!(found >= 3, "top columns {top:?}");
    for file in [
        "model.json",
        "training.parquet",
        "roc.csv",
        "importance.csv",
    ] {
        assert!(
            run_dir.join("scores/conversion").join(file).exists(),
            "{file}"
        );
    }
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("run.json")).unwrap()).unwrap();
    let stage = record["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "scores")
        .unwrap();
    assert_eq!(stage["details"][0]["name"], "conversion", "{stage}");
    assert_eq!(stage["details"][0]["test_auc"], m["test"]["auc"]);
    // The report shows the score's curves and importance, with its test AUC.
    let report = check_report(
        &run_dir,
        &[
            "conversion-roc",
            "conversion-pr",
            "conversion-calibration",
            "conversion-importance",
        ],
    );
    assert!(report.contains(&format!("{auc:.3}</div><div class=\"label\">test AUC")));
    let scores = std::fs::read_to_string(run_dir.join("scores/conversion/scores.csv")).unwrap();
    assert!(scores.starts_with("account_id,score,predicted,top_reasons\n"));
    let score_of: std::collections::HashMap<&str, f64> = scores
        .lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split(',');
            (f.next().unwrap(), f.next().unwrap().parse().unwrap())
        })
        .collect();
    assert!(score_of.len() > 100, "{} prospects scored", score_of.len());
    // The prospects predicted to convert owe it to the planted drivers: the first of their
    // top reasons is one of them (391 of 400 here).
    let reasons: Vec<&str> = scores
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(4, ',').collect();
            (f[2] == "true").then_some(f[3])
        })
        .collect();
    let by_drivers = reasons
        .iter()
        .filter(|r| {
            drivers
                .iter()
                .any(|d| r.trim_start_matches('"').starts_with(d))
        })
        .count();
    assert!(
        !reasons.is_empty() && by_drivers * 10 >= reasons.len() * 9,
        "{by_drivers} of {} first reasons are planted drivers",
        reasons.len()
    );
    // hot_prospects = conversion_score > 0.5: the profile column, read by a rule segment.
    let members = std::fs::read_to_string(run_dir.join("rules/memberships.csv")).unwrap();
    let hot: Vec<&str> = members
        .lines()
        .filter_map(|l| l.strip_prefix("hot_prospects,"))
        .collect();
    assert!(!hot.is_empty());
    for id in &hot {
        assert!(score_of[id] > 0.5, "{id}: {}", score_of[id]);
    }
    let above = score_of.values().filter(|&&s| s > 0.5).count();
    assert_eq!(hot.len(), above);

    // The features as of as_of predict the planted conversions of the 90 days after it, and
    // the planted drivers (demo requests, webinars, recent engagement, intent) lead.
    let features = run_dir.join("features/accounts.parquet");
    let o = cible(
        &[
            "score",
            "train",
            features.to_str().unwrap(),
            "--labels",
            "w/truth/conversions.csv",
            "--key",
            "account_id",
            "--target",
            "converted_90d",
            "--missing",
            "median",
            "--out",
            "conversion",
            "--json",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let auc = m["test"]["auc"].as_f64().unwrap();
    assert!(auc >= 0.8, "conversion test AUC {auc}");
    let drivers = [
        "demo_requests_90d",
        "webinar_attendances_30d",
        "webinar_attendances_90d",
        "webinar_attendances_365d",
        "last_engagement_days",
        "intent_signals_30d",
        "intent_signals_90d",
        "intent_score",
        "pricing_views_30d",
        "pricing_views_90d",
        "engagement_index",
        "buying_stage",
    ];
    let top: Vec<&str> = m["importance"].as_array().unwrap()[..3]
        .iter()
        .map(|i| i["column"].as_str().unwrap())
        .collect();
    assert!(
        top.iter().all(|c| drivers.contains(c)),
        "top columns {top:?}"
    );
}

#[test]
fn rules_outliers_and_imputation_follow_the_project_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,name,employees,revenue,sector\n");
    for i in 0..30 {
        let employees = match i {
            3 => "-5".to_string(),
            4 | 5 => String::new(),
            _ => (20 + i % 9).to_string(),
        };
        let revenue = match i {
            6 => String::new(),
            7 => "900000000".to_string(),
            _ => format!("{}", 1_000_000 + i * 10_000),
        };
        let sector = if i % 2 == 0 { "62.01Z" } else { "" };
        csv.push_str(&format!(
            "A{i},Société {i},{employees},{revenue},{sector}\n"
        ));
    }
    std::fs::write(dir.path().join("accounts.csv"), csv).unwrap();
    let project = r#"[project]
name = "checks"
as_of = "2026-11-01"

[sources.crm]
kind = "accounts"
path = "accounts.csv"
columns = { account_id = "id", sector_code = "sector" }

[clean.dedup]
enabled = false

[[clean.rules]]
name = "employees_not_negative"
table = "accounts"
check = "employees >= 0"
action = "reject"

[[clean.outliers]]
table = "accounts"
column = "revenue"
method = "iqr"
action = "cap"

[[clean.impute]]
table = "accounts"
columns = ["employees"]
strategy = "median"

[[clean.impute]]
table = "accounts"
columns = ["sector_code"]
strategy = "constant"
value = "00.00Z"

[[clean.impute]]
table = "accounts"
columns = ["revenue"]
strategy = "drop"

[segmentation]
enabled = false
"#;
    std::fs::write(dir.path().join("cible.toml"), project).unwrap();
    let o = cible(&["run", "--json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let latest = std::fs::read_to_string(dir.path().join("workspace/LATEST")).unwrap();
    let run_dir = dir.path().join("workspace/runs").join(latest.trim());
    let rejects = std::fs::read_to_string(run_dir.join("rejects.csv")).unwrap();
    // The rule's reject names the source file and line; the dropped row names its column.
    assert!(
        rejects.contains("accounts.csv,5,,A3,breaks rule employees_not_negative: employees >= 0"),
        "{rejects}"
    );
    assert!(
        rejects.contains("no revenue, and [[clean.impute]] drops rows without one"),
        "{rejects}"
    );
    let checks = std::fs::read_to_string(run_dir.join("checks.csv")).unwrap();
    assert!(
        checks.contains(
            "accounts,A7,accounts.csv,9,outlier,revenue,900000000.0,cap,\"outlier: revenue above "
        ),
        "{checks}"
    );
    let mut clean = csv::Reader::from_path(run_dir.join("clean/accounts.csv")).unwrap();
    let header = clean.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = clean.records().map(Result::unwrap).collect();
    // 30 rows, one rejected by the rule, one dropped for its missing revenue.
    assert_eq!(rows.len(), 28);
    let row = |id: &str| rows.iter().find(|r| &r[at("account_id")] == id).unwrap();
    // The median of the 27 head counts left: 20 + (0..9) spread evenly, so 23.
    assert_eq!(
        (
            &row("A4")[at("employees")],
            &row("A4")[at("employees_imputed")]
        ),
        ("23", "true")
    );
    assert_eq!(&row("A8")[at("employees_imputed")], "false");
    assert_eq!(&row("A1")[at("sector_code")], "00.00Z");
    let capped: f64 = row("A7")[at("revenue")].parse().unwrap();
    assert!(capped < 2_000_000.0, "{capped}");
    assert_eq!(&row("A7")[at("revenue_outlier")], "true");
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rules = &json["checks"][0]["rules"][0];
    assert_eq!(
        (rules["rows"].as_u64(), rules["action"].as_str()),
        (Some(1), Some("reject"))
    );
    let quality: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("quality.json")).unwrap())
            .unwrap();
    let imputation = &quality["tables"][0]["imputation"]["columns"];
    assert_eq!(imputation[0]["value"], "23");
    assert_eq!(imputation[2]["filled"], 1, "{imputation}");

    // A catalog that cannot record the run does not undo it: the run is committed, a warning
    // says why, and `runs rebuild` indexes it later.
    let catalog = dir.path().join("workspace/catalog.sqlite");
    std::fs::write(&catalog, "garbage ".repeat(1000)).unwrap();
    let o = cible(&["run", "--quiet"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(
            "warning: the run is committed, but recording it in the run catalog failed: \
             workspace/catalog.sqlite: the run catalog is unreadable"
        ),
        "{}",
        stderr(&o)
    );
    let o = cible(&["runs", "rebuild", "--json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let rebuilt: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        rebuilt["recorded"].as_array().unwrap().len(),
        2,
        "{rebuilt}"
    );
    assert_eq!(rebuilt["was_corrupt"], true);
}

#[test]
fn ingest_writes_the_table_and_rejects_and_strict_fails_with_code_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("orders.csv"),
        "N° commande;Client;Date;Montant\nO1;A1;05/03/2024;12,50\nO2;A1;hier;3\n",
    )
    .unwrap();
    let args = [
        "ingest",
        "orders.csv",
        "--kind",
        "orders",
        "--map",
        "order_id=N° commande",
        "--map",
        "account_id=Client",
        "--map",
        "ordered_at=Date",
        "--map",
        "amount=Montant",
        "--decimal",
        ",",
        "--out",
        "out",
    ];
    let o = cible(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("orders: 2 rows read from 1 file"), "{text}");
    assert!(text.contains("1  unparsable value"), "{text}");
    let rejects = std::fs::read_to_string(dir.path().join("out/rejects.csv")).unwrap();
    assert_eq!(
        rejects,
        "file,line,column,value,reason\norders.csv,3,Date,hier,\"cannot parse \"\"hier\"\" as a date\"\n"
    );
    assert!(dir.path().join("out/orders.parquet").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "no staging folder is left behind");

    let mut strict = args.to_vec();
    strict.push("--strict");
    let o = cible(&strict, dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("check failed: 1 rows rejected (--strict)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn errors_are_clear_and_exit_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "Id,Nom\n1,x\n").unwrap();
    let o = cible(
        &["ingest", "a.csv", "--kind", "accounts", "--out", "out"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: a.csv: missing column \"account_id\" required by accounts; available columns: Id, Nom. \
         Map one to it with --map account_id=<column> or columns = { account_id = \"<column>\" }\n"
    );
    assert!(!dir.path().join("out/accounts.parquet").exists());

    let o = cible(
        &["ingest", "a.csv", "--kind", "acounts", "--out", "out"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown table kind `acounts`"),
        "{}",
        stderr(&o)
    );

    let o = cible(
        &[
            "ingest",
            "a.csv",
            "--kind",
            "accounts",
            "--encoding",
            "utf16",
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert_eq!(
        stderr(&o),
        "error: `encoding` = \"utf16\": expected one of auto, utf-8, latin-1\n"
    );

    std::fs::write(
        dir.path().join("cible.toml"),
        "[project]\nname = \"x\"\nworkspce = \"w\"\n",
    )
    .unwrap();
    let o = cible(&["run"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: cible.toml: TOML parse error at line 3, column 1"),
        "{err}"
    );
    assert!(err.contains("unknown field `workspce`"), "{err}");

    let o = cible(&["run", "--project", "nowhere"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: cannot read nowhere/cible.toml: No such file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_writes_a_valid_commented_project_and_does_not_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let o = cible(&["init", "acme"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("acme/cible.toml")).unwrap();
    assert!(text.contains("name = \"acme\""));
    assert!(text.lines().filter(|l| l.starts_with('#')).count() > 20);
    let o = cible(&["init", "acme"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already exists; use --force"),
        "{}",
        stderr(&o)
    );
    // A project without sources runs and records an empty run.
    let o = cible(
        &["run", "--project", "acme", "--format", "json"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["tables"].as_array().unwrap().len(), 0);
}

#[test]
fn generate_is_reproducible_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    for out in ["a", "b"] {
        let o = cible(
            &[
                "generate",
                "--accounts",
                "200",
                "--seed",
                "9",
                "--out",
                out,
                "-q",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for file in [
        "data/crm_accounts.csv",
        "data/erp_orders.csv",
        "data/web_events.ndjson",
        "truth/segments.csv",
    ] {
        assert_eq!(
            std::fs::read(dir.path().join("a").join(file)).unwrap(),
            std::fs::read(dir.path().join("b").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn dedup_finds_febrl_duplicates_and_writes_lineage() {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        data.join("febrl1.csv").exists(),
        "missing reference data in {}",
        data.display()
    );
    let file = data.join("febrl1.csv");
    let truth = data.join("febrl1_true_pairs.csv");
    let args = [
        "dedup",
        file.to_str().unwrap(),
        "--id",
        "rec_id",
        "--truth",
        truth.to_str().unwrap(),
        "--out",
        "out",
        "--json",
    ];
    // Runs `cible dedup` and checks its F1 against the true pairs.
    let dedup_scores_well = |args: &[&str]| {
        let o = cible(args, dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
        let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let f1 = json["truth"]["f1"].as_f64().unwrap();
        assert!(f1 >= 0.98, "{}", json["truth"]);
    };
    dedup_scores_well(&args);
    let entities = std::fs::read_to_string(dir.path().join("out/entities.csv")).unwrap();
    assert_eq!(
        entities.lines().count(),
        1001,
        "every record exactly once, plus the header"
    );
    let pairs = std::fs::read_to_string(dir.path().join("out/pairs.csv")).unwrap();
    assert!(pairs.starts_with("id_a,id_b,match_probability\n"));
    for line in pairs.lines().skip(1) {
        let parts: Vec<&str> = line.split(',').collect();
        assert!(parts[0] < parts[1], "{line}");
    }
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/model.json")).unwrap())
            .unwrap();
    assert_eq!(model["model"]["fields"].as_array().unwrap().len(), 10);

    // Chosen fields, birth dates compared as dates (19300213 is 13 February 1930).
    let fields = "given_name,surname,address_1,suburb,postcode:levenshtein,date_of_birth:date";
    let mut chosen = args.to_vec();
    chosen.splice(
        chosen.len() - 3..,
        ["--fields", fields, "--out", "chosen", "--json"],
    );
    dedup_scores_well(&chosen);
    let model: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("chosen/model.json")).unwrap(),
    )
    .unwrap();
    let date = &model["model"]["fields"][5];
    assert_eq!(date["comparator"], "date", "{date}");
    assert_eq!(date["levels"][1], "day and month swapped", "{date}");
}

#[test]
fn dedup_rejects_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv"), "id,name\n1,Ann\n2,Bob\n1,Ann B\n").unwrap();
    std::fs::write(dir.path().join("empty.csv"), "id,name\n").unwrap();
    let o = cible(
        &["dedup", "p.csv", "--id", "key", "--out", "out"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: p.csv: no column \"key\"; available columns: id, name\n"
    );
    let o = cible(
        &["dedup", "p.csv", "--id", "id", "--out", "out"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: p.csv: duplicate id \"1\" in column \"id\" on lines 2 and 4: ids must be unique\n"
    );
    let o = cible(
        &["dedup", "empty.csv", "--id", "id", "--out", "out"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "error: empty.csv: the table has no records\n");
    let o = cible(
        &[
            "dedup",
            "p.csv",
            "--id",
            "id",
            "--threshold",
            "1.5",
            "--out",
            "out",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid parameter `threshold` = 1.5"),
        "{}",
        stderr(&o)
    );
}

fn labels_of(dir: &Path) -> Vec<i64> {
    std::fs::read_to_string(dir.join("labels.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn cluster_recovers_iris_species_and_writes_labels_metrics_centroids() {
    let dir = tempfile::tempdir().unwrap();
    let iris = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/iris.csv");
    assert!(iris.exists(), "missing reference data {}", iris.display());
    let columns = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)";
    let args = [
        "cluster",
        iris.to_str().unwrap(),
        "--columns",
        columns,
        "--k",
        "3",
        "--scale",
        "none",
        "--out",
        "out",
        "--json",
    ];
    let o = cible(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let metrics: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(metrics["clusters"], 3);
    let labels: Vec<usize> = labels_of(&dir.path().join("out"))
        .into_iter()
        .map(|l| l as usize)
        .collect();
    assert_eq!(labels.len(), 150);
    let truth: Vec<usize> = std::fs::read_to_string(&iris)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().trim().parse().unwrap())
        .collect();
    let ari = cible_ml::metrics::adjusted_rand_score(&truth, &labels).unwrap();
    assert!(ari > 0.7, "ARI {ari}");
    // The silhouette reported is the one of the labels written.
    let x = cible_ml::Matrix::new(
        std::fs::read_to_string(&iris)
            .unwrap()
            .lines()
            .skip(1)
            .flat_map(|l| {
                l.split(',')
                    .take(4)
                    .map(|v| v.parse::<f64>().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect(),
        150,
        4,
    )
    .unwrap();
    let silhouette = cible_ml::metrics::silhouette_score(&x, &labels).unwrap();
    assert!((metrics["silhouette"].as_f64().unwrap() - silhouette).abs() < 1e-12);
    let centroids = std::fs::read_to_string(dir.path().join("out/centroids.csv")).unwrap();
    assert_eq!(centroids.lines().count(), 4);
}

#[test]
fn cluster_auto_finds_the_number_of_blobs_and_density_methods_mark_noise() {
    let dir = tempfile::tempdir().unwrap();
    let centres =
        cible_ml::Matrix::from_rows(&[[0.0, 0.0], [12.0, 0.0], [0.0, 12.0], [12.0, 12.0]]).unwrap();
    let (x, _) = cible_ml::make_blobs(400, &centres, 1.0, 3).unwrap();
    let mut text = String::from("id,x,y,name\n");
    for (i, row) in x.iter_rows().enumerate() {
        text.push_str(&format!("{i},{},{},p{i}\n", row[0], row[1]));
    }
    std::fs::write(dir.path().join("blobs.csv"), &text).unwrap();
    text.push_str("400,100,100,outlier\n");
    std::fs::write(dir.path().join("noisy.csv"), text).unwrap();
    let o = cible(
        &[
            "cluster",
            "blobs.csv",
            "--columns",
            "x,y",
            "--out",
            "k",
            "--json",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let metrics: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(metrics["k"], 4, "{}", metrics["k_selection"]["reasons"]);
    // The gap statistic is in metrics.json too: every k's gap and error, and its rule's k.
    let selection = &metrics["k_selection"];
    assert_eq!(selection["gap"]["k"], 4, "{}", selection["scores"]);
    assert_eq!(selection["gap"]["references"], 10);
    assert_eq!(selection["gap"]["reference"], "bounding_box");
    for score in selection["scores"].as_array().unwrap() {
        assert!(
            score["gap"].is_f64() && score["gap_error"].is_f64(),
            "{score}"
        );
    }
    for method in ["dbscan", "hdbscan"] {
        let args = [
            "cluster",
            "noisy.csv",
            "--columns",
            "x,y",
            "--method",
            method,
            "--min-cluster-size",
            "20",
            "--out",
            method,
        ];
        let o = cible(&args, dir.path());
        assert!(o.status.success(), "{method}: {}", stderr(&o));
        let labels = labels_of(&dir.path().join(method));
        assert_eq!(labels.len(), 401);
        assert_eq!(labels[400], -1, "{method}: the far point is noise");
    }
}

#[test]
fn cluster_kprototypes_mixes_numeric_and_categorical_columns() {
    let dir = tempfile::tempdir().unwrap();
    let centres = cible_ml::Matrix::from_rows(&[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]).unwrap();
    let (x, truth) = cible_ml::make_blobs(300, &centres, 1.0, 7).unwrap();
    let sectors = ["Retail", "Industry, heavy", "Services"];
    let mut text = String::from("id,revenue,employees,sector,region\n");
    for (i, (row, &g)) in x.iter_rows().zip(&truth).enumerate() {
        // The sector follows the group, but one row in ten takes the next group's; the region
        // is missing for every 7th row.
        let sector = sectors[if i.is_multiple_of(10) { (g + 1) % 3 } else { g }];
        let region = if i.is_multiple_of(7) {
            ""
        } else {
            ["north", "south"][i % 2]
        };
        text.push_str(&format!(
            "{i},{},{},\"{sector}\",{region}\n",
            100.0 + row[0],
            50.0 + row[1]
        ));
    }
    std::fs::write(dir.path().join("accounts.csv"), text).unwrap();
    let args = [
        "cluster",
        "accounts.csv",
        "--method",
        "kprototypes",
        "--k",
        "3",
        "--columns",
        "revenue,employees,sector,region",
        "--out",
        "kp",
        "--json",
    ];
    let o = cible(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let metrics: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(metrics["method"], "kprototypes");
    assert_eq!(
        metrics["categorical_columns"],
        serde_json::json!(["sector", "region"])
    );
    assert_eq!(metrics["silhouette_distance"], "gower");
    // After z-scores every numeric column has standard deviation 1: gamma is 0.5.
    assert!((metrics["gamma"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    assert!(metrics["cost"].as_f64().unwrap() > 0.0);
    assert!(metrics["inertia"].is_null());
    let labels: Vec<usize> = labels_of(&dir.path().join("kp"))
        .into_iter()
        .map(|l| l as usize)
        .collect();
    assert_eq!(
        cible_ml::metrics::adjusted_rand_score(&truth, &labels).unwrap(),
        1.0
    );
    // The silhouette reported is Gower's of the labels written, on the raw columns with the
    // categories coded in sorted order.
    let sector_codes = |g: usize, i: usize| {
        let s = sectors[if i.is_multiple_of(10) { (g + 1) % 3 } else { g }];
        ["Industry, heavy", "Retail", "Services"]
            .iter()
            .position(|&c| c == s)
            .unwrap() as u32
    };
    let region_code = |i: usize| {
        if i.is_multiple_of(7) {
            0
        } else {
            1 + (i % 2) as u32
        }
    };
    let data = cible_ml::MixedData::from_columns(
        [
            ("revenue", x.iter_rows().map(|r| 100.0 + r[0]).collect()),
            ("employees", x.iter_rows().map(|r| 50.0 + r[1]).collect()),
        ],
        [
            (
                "sector",
                truth
                    .iter()
                    .enumerate()
                    .map(|(i, &g)| sector_codes(g, i))
                    .collect(),
            ),
            ("region", (0..300).map(region_code).collect()),
        ],
    )
    .unwrap();
    let gower = cible_ml::Gower::fit(&data).unwrap();
    let silhouette = gower.silhouette(&data, &labels).unwrap().score;
    assert!((metrics["silhouette"].as_f64().unwrap() - silhouette).abs() < 1e-12);
    // Centroids: numeric means in the input's units, categorical modes as their strings.
    let centroids = std::fs::read_to_string(dir.path().join("kp/centroids.csv")).unwrap();
    let lines: Vec<&str> = centroids.lines().collect();
    assert_eq!(lines[0], "cluster,revenue,employees,sector,region");
    assert_eq!(lines.len(), 4);
    let of_group = |g: usize| lines[1 + labels[truth.iter().position(|&t| t == g).unwrap()]];
    assert!(of_group(1).contains(",\"Industry, heavy\","), "{centroids}");
    let revenue: f64 = of_group(1).split(',').nth(1).unwrap().parse().unwrap();
    assert!((revenue - 110.0).abs() < 0.5, "{centroids}");

    let o = cible(
        &[
            "cluster",
            "accounts.csv",
            "--method",
            "kprototypes",
            "--columns",
            "revenue,employees,sector,region",
            "--out",
            "auto",
            "--json",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let metrics: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let selection = &metrics["k_selection"];
    assert_eq!(selection["recommended"], 3, "{selection}");
    assert_eq!(metrics["k"], 3);
    let ks: Vec<u64> = selection["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["k"].as_u64().unwrap())
        .collect();
    assert_eq!(ks, (2..=15).collect::<Vec<u64>>());
    assert!((selection["gamma"].as_f64().unwrap() - 0.5).abs() < 1e-12);
}

#[test]
fn cluster_refuses_unusable_values_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.csv"), "a,b,label\n1,2,x\n3,,y\n5,6,z\n").unwrap();
    let o = cible(
        &[
            "cluster",
            "f.csv",
            "--columns",
            "a,b",
            "--k",
            "2",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: f.csv:3: column \"b\": missing value; impute or drop it first\n"
    );
    let o = cible(
        &[
            "cluster",
            "f.csv",
            "--columns",
            "a,label",
            "--k",
            "2",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(
        stderr(&o),
        "error: f.csv:2: column \"label\": cannot parse \"x\" as a number\n"
    );
    let o = cible(
        &[
            "cluster",
            "f.csv",
            "--columns",
            "a",
            "--k",
            "7",
            "--scale",
            "none",
            "--out",
            "o",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("k = 7 needs at least 7 rows; the data has 3"),
        "{}",
        stderr(&o)
    );
    let o = cible(
        &["cluster", "f.csv", "--method", "spectral", "--out", "o"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown method `spectral`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rfm_scores_customers_as_of_a_date_and_rejects_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("orders.csv"),
        "client;date;montant\nA;05/01/2026;100,50\nA;20/10/2026;20\nB;01/06/2026;5\n;01/06/2026;5\nC;hier;5\nA;02/11/2026;999\n",
    )
    .unwrap();
    let args = [
        "rfm",
        "orders.csv",
        "--customer",
        "client",
        "--date",
        "date",
        "--amount",
        "montant",
        "--decimal",
        ",",
        "--as-of",
        "2026-11-01",
        "--out",
        "rfm.csv",
        "--json",
    ];
    let o = cible(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["customers"], 2);
    assert_eq!(summary["transactions_after_as_of"], 1);
    assert_eq!(summary["rows_rejected"], 2);
    let mut reader = csv::Reader::from_path(dir.path().join("rfm.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let get = |row: &csv::StringRecord, name: &str| {
        row[headers.iter().position(|h| h == name).unwrap()].to_string()
    };
    assert_eq!(get(&rows[0], "customer"), "A");
    assert_eq!(get(&rows[0], "frequency"), "1");
    assert_eq!(get(&rows[0], "recency_days"), "12");
    assert_eq!(get(&rows[0], "monetary_total"), "120.5");
    let rejects = std::fs::read_to_string(dir.path().join("rfm.rejects.csv")).unwrap();
    assert!(
        rejects.contains("orders.csv,5,client,,missing required value"),
        "{rejects}"
    );
    assert!(rejects.contains("orders.csv,6,date,hier,"), "{rejects}");
}

#[test]
fn features_list_the_catalogue_and_compute_any_canonical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let o = cible(&["features", "--list"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for expected in [
        "TRANSACTIONAL",
        "recency_days",
        "engagement_index",
        "role_finance",
        "naf_section",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let o = cible(
        &["features", "--list", "--group", "intent", "--json"],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<&str> = json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"buying_stage") && !names.contains(&"recency_days"),
        "{names:?}"
    );
    let o = cible(&["features", "--list", "--group", "nope"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--group nope"), "{}", stderr(&o));

    // Standalone: canonical CSV tables in, Parquet out; a project adds its own features.
    std::fs::write(
        dir.path().join("accounts.csv"),
        "account_id,name,employees\nA1,Alpha,120\nA2,Beta,8\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("orders.csv"),
        "order_id,account_id,ordered_at,amount\nO1,A1,2026-10-01,100\nO2,A1,2026-12-01,50\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cible.toml"),
        "[project]\nname = \"t\"\n\n[[features.custom]]\nname = \"big\"\nexpression = \"monetary_total >= 100\"\n",
    )
    .unwrap();
    let args = [
        "features",
        "--accounts",
        "accounts.csv",
        "--orders",
        "orders.csv",
        "--as-of",
        "2026-11-01",
        "--out",
        "features.parquet",
        "--project",
        ".",
        "--json",
    ];
    let o = cible(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["summary"]["accounts"], 2);
    assert_eq!(json["summary"]["future_orders"], 1);
    assert_eq!(
        json["catalog"].as_array().unwrap().last().unwrap()["name"],
        "big"
    );
    assert!(dir.path().join("features.parquet").is_file());

    // A mistake in a custom feature names it.
    std::fs::write(
        dir.path().join("cible.toml"),
        "[project]\nname = \"t\"\n\n[[features.custom]]\nname = \"bad\"\nexpression = \"no_such_column + 1\"\n",
    )
    .unwrap();
    let o = cible(&args, dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`bad`") && stderr(&o).contains("no_such_column"),
        "{}",
        stderr(&o)
    );
}

/// 2,000 accounts whose conversion depends on engagement (strongly), the sector "IT" and
/// recency, not on `noise`; an identifier and a creation date; 1 % of engagements missing.
fn scoring_table() -> String {
    let mut text =
        String::from("account_id,sector,engagement,recency_days,noise,created_at,converted\n");
    let mut state: u64 = 7;
    let mut uniform = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let sectors = ["Retail", "Industrie", "Santé", "IT"];
    for i in 0..2000 {
        let sector = sectors[(uniform() * 4.0) as usize];
        let engagement = uniform() * 100.0;
        let recency = uniform() * 200.0;
        let noise = uniform();
        let z = -3.0 + 0.07 * (engagement - 50.0) + if sector == "IT" { 1.5 } else { 0.0 }
            - 0.01 * recency
            + 2.0;
        let converted = uniform() < 1.0 / (1.0 + (-z).exp());
        let day = 1 + i % 28;
        let month = 1 + i * 12 / 2000;
        let engagement = if i % 100 == 17 {
            String::new()
        } else {
            format!("{engagement:.1}")
        };
        text.push_str(&format!(
            "A{i:05},{sector},{engagement},{recency:.0},{noise:.3},2025-{month:02}-{day:02},{}\n",
            if converted { "oui" } else { "non" }
        ));
    }
    text
}

#[test]
fn score_train_and_predict_recover_a_planted_signal_without_leaking_the_future() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("accounts.csv"), scoring_table()).unwrap();
    let train = |extra: &[&str]| {
        let mut args = vec![
            "score",
            "train",
            "accounts.csv",
            "--target",
            "converted",
            "--missing",
            "median",
            "--out",
            "model",
        ];
        args.extend_from_slice(extra);
        cible(&args, dir.path())
    };
    let o = train(&["--time-column", "created_at"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("split (time): train 1,3"), "{text}");
    assert!(
        text.contains("left out \"account_id\": looks like an identifier"),
        "{text}"
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("model/metrics.json")).unwrap())
            .unwrap();
    // No training row is later than a validation row, none of those later than a test row.
    let split = &m["split"];
    assert!(split["train"]["last_time"].as_f64() < split["validation"]["first_time"].as_f64());
    assert!(split["validation"]["last_time"].as_f64() < split["test"]["first_time"].as_f64());
    assert_eq!(m["filled_values"], 20);
    let auc = m["test"]["auc"].as_f64().unwrap();
    assert!(auc > 0.8, "test AUC {auc}");
    assert_eq!(
        m["importance"][0]["column"], "engagement",
        "{}",
        m["importance"]
    );
    let noise = m["importance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["column"] == "noise")
        .unwrap();
    assert!(noise["permutation"].as_f64().unwrap() < 0.01);
    let it = m["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["feature"] == "sector=IT")
        .unwrap();
    assert!(it["odds_ratio"].as_f64().unwrap() > 1.5, "{it}");
    for file in [
        "model.json",
        "roc.csv",
        "pr.csv",
        "calibration.csv",
        "gains.csv",
        "importance.csv",
    ] {
        assert!(dir.path().join("model").join(file).exists(), "{file}");
    }
    let gains = std::fs::read_to_string(dir.path().join("model/gains.csv")).unwrap();
    assert_eq!(gains.lines().count(), 11);

    // Scoring: every row, its score, whether it reaches the threshold, and its reasons.
    std::fs::write(
        dir.path().join("new.csv"),
        "account_id,sector,engagement,recency_days,noise\nB1,IT,99,3,0.5\nB2,Retail,2,180,0.5\n\
         B3,Nouveau,50,,0.5\n",
    )
    .unwrap();
    let o = cible(
        &[
            "score",
            "predict",
            "model",
            "new.csv",
            "--out",
            "scored.csv",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (summary["rows"].as_u64(), summary["filled_values"].as_u64()),
        (Some(3), Some(1))
    );
    let scored = std::fs::read_to_string(dir.path().join("scored.csv")).unwrap();
    let lines: Vec<&str> = scored.lines().collect();
    assert_eq!(
        lines[0],
        "account_id,sector,engagement,recency_days,noise,score,predicted,top_reasons"
    );
    let score = |line: &str| line.split(',').nth(5).unwrap().parse::<f64>().unwrap();
    assert!(score(lines[1]) > 0.9 && score(lines[2]) < 0.1, "{scored}");
    assert!(lines[1].contains(",true,engagement=99 (+"), "{}", lines[1]);
    assert!(lines[2].contains(",false,engagement=2 (-"), "{}", lines[2]);
    assert_eq!(lines.len(), 4);
}

#[test]
fn score_refuses_unusable_input_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let table = scoring_table();
    std::fs::write(dir.path().join("a.csv"), &table).unwrap();
    let run = |args: &[&str]| {
        let o = cible(args, dir.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        stderr(&o)
    };
    let train = ["score", "train", "a.csv", "--out", "m", "--target"];
    let e = run(&[&train[..], &["won"]].concat());
    assert_eq!(
        e,
        "error: a.csv: no column \"won\"; available columns: account_id, sector, engagement, \
         recency_days, noise, created_at, converted\n"
    );
    let e = run(&[&train[..], &["converted"]].concat());
    assert_eq!(
        e,
        "error: a.csv:19: column \"engagement\": missing value; impute it, or train with \
         --missing median (or mean) to fill it\n"
    );
    let bad_target = table.replacen(",non\n", ",peut-être\n", 1);
    std::fs::write(dir.path().join("b.csv"), bad_target).unwrap();
    let e = run(&[
        "score",
        "train",
        "b.csv",
        "--out",
        "m",
        "--target",
        "converted",
    ]);
    assert!(
        e.contains("cannot read \"peut-être\" as a yes/no target"),
        "{e}"
    );
    let one_class = table.replace(",oui\n", ",non\n");
    std::fs::write(dir.path().join("c.csv"), one_class).unwrap();
    let e = run(&[
        "score",
        "train",
        "c.csv",
        "--out",
        "m",
        "--target",
        "converted",
        "--missing",
        "mean",
    ]);
    assert!(
        e.contains(
            "c.csv: column \"converted\" is false in all 2000 rows; a model needs both classes"
        ),
        "{e}"
    );
    let e = run(&[
        &train[..],
        &["converted", "--missing", "mean", "--model", "svm"],
    ]
    .concat());
    assert!(e.contains("must be one of logistic"), "{e}");
    std::fs::write(dir.path().join("fake.json"), "{\"format\": \"other\"}").unwrap();
    let e = run(&["score", "predict", "fake.json", "a.csv", "--out", "s.csv"]);
    assert!(e.contains("fake.json: not a cible score model"), "{e}");
    let o = cible(
        &[
            &train[..],
            &["converted", "--missing", "mean", "--model", "logistic"],
        ]
        .concat(),
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(dir.path().join("short.csv"), "account_id,sector\nB1,IT\n").unwrap();
    let e = run(&["score", "predict", "m", "short.csv", "--out", "s.csv"]);
    assert!(e.contains("short.csv: no column \"engagement\""), "{e}");
    assert!(!dir.path().join("s.csv").exists());
}

/// Writes a committed run folder by hand: `run.json`, the clustered labels
/// (`account,label`) and the rule memberships (`segment,account`).
fn write_run(
    workspace: &Path,
    id: &str,
    seed: u64,
    input_sha: &str,
    clustered: &[(&str, u32)],
    rules: &[(&str, &str)],
) {
    let dir = workspace.join("runs").join(id);
    std::fs::create_dir_all(dir.join("segments")).unwrap();
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    let mut labels = String::from("account_id,segment\n");
    for (account, label) in clustered {
        labels.push_str(&format!("{account},{label}\n"));
    }
    std::fs::write(dir.join("segments/accounts.csv"), labels).unwrap();
    let mut members = String::from("segment,account_id\n");
    for (segment, account) in rules {
        members.push_str(&format!("{segment},{account}\n"));
    }
    std::fs::write(dir.join("rules/memberships.csv"), members).unwrap();
    let record = serde_json::json!({
        "id": id,
        "command": "cible run",
        "cible_version": "0.1.0",
        "started_at": format!("2026-01-0{}T09:00:00.000Z", &id[7..8]),
        "finished_at": format!("2026-01-0{}T09:00:02.000Z", &id[7..8]),
        "seconds": 2.0,
        "parameters": {
            "project": {"project": {"name": "constructed"}, "segmentation": {"k": 3, "seed": seed}},
            "as_of": "2026-01-01",
        },
        "inputs": [{"source": "crm", "path": "data/accounts.csv", "bytes": 100, "sha256": input_sha}],
        "stages": [
            {"name": "segment", "seconds": 0.5, "details": {
                "method": "kmeans", "k": 3, "accounts": clustered.len(),
                "silhouette": 0.25 * seed as f64, "calinski_harabasz": 10.0, "davies_bouldin": 0.8}},
            {"name": "rules", "seconds": 0.1, "details": {"segments": [
                {"name": "big", "rule": "revenue > 1000", "accounts": rules.len()}]}},
        ],
        "outputs": [{"name": "segments", "path": "segments/accounts.csv", "rows": clustered.len(), "bytes": 1}],
    });
    std::fs::write(
        dir.join("run.json"),
        serde_json::to_string_pretty(&record).unwrap(),
    )
    .unwrap();
    std::fs::write(workspace.join("LATEST"), id).unwrap();
}

#[test]
fn runs_diff_reports_movements_and_the_adjusted_rand_index_of_a_constructed_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cible.toml"),
        "[project]\nname = \"constructed\"\n",
    )
    .unwrap();
    let ws = dir.path().join("workspace");
    let (a, b) = ("20260101-090000-001", "20260102-090000-001");
    // Common accounts A1..A6: old labels 0 0 0 1 1 1, new labels 1 1 0 0 0 0; A7 leaves, A8
    // arrives. Contingency (old × new): [[1, 2], [3, 0]], so sum C(nij, 2) = 4, rows
    // C(3,2) + C(3,2) = 6, columns C(4,2) + C(2,2) = 7, C(6,2) = 15: the expected index is
    // 6 × 7 / 15 = 2.8 and ARI = (4 - 2.8) / ((6 + 7) / 2 - 2.8) = 1.2 / 3.7 = 0.3243.
    write_run(
        &ws,
        a,
        1,
        "aaaa",
        &[
            ("A1", 0),
            ("A2", 0),
            ("A3", 0),
            ("A4", 1),
            ("A5", 1),
            ("A6", 1),
            ("A7", 2),
        ],
        &[("big", "A1"), ("big", "A2")],
    );
    write_run(
        &ws,
        b,
        2,
        "bbbb",
        &[
            ("A1", 1),
            ("A2", 1),
            ("A3", 0),
            ("A4", 0),
            ("A5", 0),
            ("A6", 0),
            ("A8", 2),
        ],
        &[("big", "A2"), ("big", "A3"), ("big", "A8")],
    );

    let o = cible(&["runs", "diff", "previous", "latest"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Runs 20260101-090000-001 → 20260102-090000-001
clustered segments: 7 accounts before, 7 after, 6 in both
  1 accounts added, 1 removed
  adjusted Rand index over the accounts in both: 0.3243
  old cluster → new cluster, by the accounts they share:
    cluster 0 is now cluster 1: 2 of its 3 accounts
    cluster 1 is now cluster 0: 3 of its 3 accounts
    cluster 2 has no counterpart
  1 accounts moved to another cluster; every movement:
    cluster 0 → cluster 0: 1 accounts
    cluster 0 → cluster 1: 2 accounts
    cluster 1 → cluster 0: 3 accounts
rule segments: 2 accounts before, 3 after, 1 in both
  big: 2 → 3 accounts (2 entered, 1 left)
settings changed:
  segmentation.seed: 1 → 2
inputs changed:
  crm data/accounts.csv: sha256 aaaa → bbbb
"
    );
    assert!(ws.join("catalog.sqlite").exists());

    let o = cible(&["runs", "diff", a, b, "--format", "json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ari = json["clustered"]["adjusted_rand_index"].as_f64().unwrap();
    assert!((ari - 1.2 / 3.7).abs() < 1e-12, "{ari}");
    assert_eq!(json["clustered"]["moved"], 1);
    assert_eq!(
        json["clustered"]["movements"][1],
        serde_json::json!({"from": "cluster 0", "to": "cluster 1", "accounts": 2})
    );

    let o = cible(&["runs", "list", "--format", "json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let runs: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        runs[1],
        serde_json::json!({
            "id": b, "command": "cible run", "started_at": "2026-01-02T09:00:00.000Z",
            "seconds": 2.0, "project": "constructed", "as_of": "2026-01-01", "accounts": 7,
            "k": 3, "silhouette": 0.5, "inputs_changed": true
        })
    );
    assert_eq!(runs[0]["inputs_changed"], serde_json::Value::Null);

    let o = cible(&["runs", "show", "latest"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("  segmentation.silhouette          0.5000\n"),
        "{text}"
    );
    assert!(
        text.contains("  clustered  cluster 0                        4 accounts\n"),
        "{text}"
    );

    let o = cible(&["runs", "show", "20260103-000000-001"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: unknown run \"20260103-000000-001\"; known runs: {a}, {b} (or latest, previous)\n"
        )
    );

    // A damaged catalog names the file and the way out; rebuild moves it aside.
    std::fs::write(ws.join("catalog.sqlite"), "garbage ".repeat(1000)).unwrap();
    let o = cible(&["runs", "list"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: workspace/catalog.sqlite: the run catalog is unreadable (file is not a database); \
         it only indexes the run folders: run `cible runs rebuild` to move it aside and rebuild it\n"
    );
    let o = cible(&["runs", "rebuild"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("indexed 2 runs"), "{}", stdout(&o));
    let aside: Vec<String> = std::fs::read_dir(&ws)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("catalog.sqlite.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    let o = cible(&["runs", "list"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A tiny project for tags and rule segments: regions with accents and blanks, head counts
/// with blanks, finance people from their job titles, webinars recent and old.
fn rules_project(dir: &Path, segments: &str) {
    let accounts = "id,name,region,employees\n\
        A1,Alpha,Île-de-France,120\n\
        A2,Beta,Ile-de-France,300\n\
        A3,Gamma,,40\n\
        A4,Delta,Île-de-France,\n\
        A5,Epsilon,Bretagne,\n\
        A6,Zeta,Île-de-France,60\n";
    let contacts = "contact_id,account_id,first_name,last_name,email,job_title\n\
        C1,A1,Anne,Martin,anne@alpha.fr,Directrice administrative et financière\n\
        C2,A2,Paul,Durand,paul@beta.fr,DAF\n\
        C3,A4,Lea,Petit,lea@delta.fr,Responsable comptabilité\n\
        C4,A6,Marc,Roux,marc@zeta.fr,DAF\n\
        C5,A5,Ines,Blanc,ines@epsilon.fr,Acheteuse\n";
    let events = "event_id,account_id,contact_id,occurred_at,channel,type,properties\n\
        E1,A1,,2026-10-01T10:00:00Z,webinar,webinar_attended,{}\n\
        E2,A3,,2026-03-01T10:00:00Z,webinar,webinar_attended,{}\n\
        E3,,C4,2026-10-20T10:00:00Z,webinar,webinar_attended,{}\n";
    std::fs::write(dir.join("accounts.csv"), accounts).unwrap();
    std::fs::write(dir.join("contacts.csv"), contacts).unwrap();
    std::fs::write(dir.join("events.csv"), events).unwrap();
    let project = format!(
        r#"[project]
name = "rules"
as_of = "2026-11-01"

[sources.crm]
kind = "accounts"
path = "accounts.csv"
columns = {{ account_id = "id" }}

[sources.people]
kind = "contacts"
path = "contacts.csv"

[sources.web]
kind = "events"
path = "events.csv"

[clean.dedup]
enabled = false

[segmentation]
enabled = false

[[tags]]
name = "webinar_interest"
when = "type = 'webinar_attended'"
expires_after = "90 days"
{segments}"#
    );
    std::fs::write(dir.join("cible.toml"), project).unwrap();
}

/// The profile table of the latest run, as text, by column name.
fn latest_profile(
    dir: &Path,
) -> (
    std::path::PathBuf,
    std::collections::HashMap<String, Vec<Option<String>>>,
) {
    let workspace = dir.join("workspace");
    let id = std::fs::read_to_string(workspace.join("LATEST")).unwrap();
    let run_dir = workspace.join("runs").join(id.trim());
    let columns = read_columns(&run_dir.join("profiles/accounts.parquet"));
    (run_dir, columns)
}

#[test]
fn rule_segments_equal_their_predicate_on_the_profile_table() {
    let dir = tempfile::tempdir().unwrap();
    rules_project(
        dir.path(),
        r#"
[[segments]]
name = "finance_idf"
rule = "role_finance AND region = 'Île-de-France'"

[[segments]]
name = "big_finance_idf"
within = "finance_idf"
rule = "employees >= 100"

[[segments]]
name = "big_or_unplaced"
rule = "employees > 100 OR region IS NULL"

[[segments]]
name = "webinar_fans"
rule = "tag_webinar_interest AND region LIKE 'Île%'"
"#,
    );
    let o = cible(&["run", "--json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let (run_dir, p) = latest_profile(dir.path());
    let ids: Vec<String> = p["account_id"].iter().map(|v| v.clone().unwrap()).collect();
    let text = |c: &str, r: usize| p[c][r].clone();
    let number = |c: &str, r: usize| text(c, r).map(|v| v.parse::<f64>().unwrap());
    let truth = |c: &str, r: usize| text(c, r).map(|v| v == "true" || v == "1");
    // The predicates again, by hand, with SQL's three-valued logic: a member is TRUE.
    let and = |a: Option<bool>, b: Option<bool>| match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    };
    let or = |a: Option<bool>, b: Option<bool>| match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    let mut expected: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (r, id) in ids.iter().enumerate() {
        let idf = text("region", r).map(|v| v == "Île-de-France");
        let finance_idf = and(truth("role_finance", r), idf) == Some(true);
        let big = number("employees", r).map(|e| e >= 100.0);
        let bigger = number("employees", r).map(|e| e > 100.0);
        let unplaced = Some(text("region", r).is_none());
        let starts = text("region", r).map(|v| v.starts_with("Île"));
        let fans = and(truth("tag_webinar_interest", r), starts) == Some(true);
        let cases = [
            ("finance_idf", finance_idf),
            ("big_finance_idf", finance_idf && big == Some(true)),
            ("big_or_unplaced", or(bigger, unplaced) == Some(true)),
            ("webinar_fans", fans),
        ];
        for (name, member) in cases {
            let list = expected.entry(name).or_default();
            if member {
                list.push(id.clone());
            }
        }
    }
    let memberships = std::fs::read_to_string(run_dir.join("rules/memberships.csv")).unwrap();
    let mut found: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for name in expected.keys() {
        found.insert(name, Vec::new());
    }
    for line in memberships.lines().skip(1) {
        let (segment, id) = line.split_once(',').unwrap();
        found.get_mut(segment).unwrap().push(id.to_string());
    }
    assert_eq!(found, expected);
    // And the figures themselves, worked out from the files above: A1 and A6 are finance in
    // Île-de-France (A2's region has no accent, A4 has no head count but is in: no size in the
    // rule); A1 and A6 had a webinar within 90 days (A6 through its contact; A3's is too old).
    assert_eq!(expected["finance_idf"], ["A1", "A4", "A6"]);
    assert_eq!(expected["big_finance_idf"], ["A1"]);
    assert_eq!(expected["big_or_unplaced"], ["A1", "A2", "A3"]);
    assert_eq!(expected["webinar_fans"], ["A1", "A6"]);
    let tags = std::fs::read_to_string(run_dir.join("tags/tags.csv")).unwrap();
    assert_eq!(tags.lines().count(), 3, "{tags}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(json["activation"]["segments"][0]["accounts"], 3);
    assert_eq!(json["activation"]["tags"][0]["expired"], 1);
}

#[test]
fn wrong_rules_and_tags_stop_the_run_with_their_place() {
    let cases = [
        (
            "[[segments]]\nname = \"s\"\nrule = \"regoin = 'Bretagne'\"\n",
            vec![
                "[[segments]] `s`: unknown column `regoin` (did you mean `region`?)",
                "^ at character 1",
                "columns: account_id",
            ],
        ),
        (
            "[[segments]]\nname = \"s\"\nrule = \"employees >\"\n",
            vec!["[[segments]] `s`:", "^ at character 12"],
        ),
        (
            "[[segments]]\nname = \"s\"\nrule = \"tag_newsletter AND employees > 1\"\n",
            vec!["no tag `newsletter` is defined (tags: webinar_interest)"],
        ),
        (
            "[[segments]]\nname = \"s\"\nwithin = \"nobody\"\nrule = \"true\"\n",
            vec!["segments[0].within", "expected another segment: s"],
        ),
        (
            "[[tags]]\nname = \"t\"\nwhen = \"typ = 'call'\"\n",
            vec!["[[tags]] `t`, when: unknown column `typ` (did you mean `type`?)"],
        ),
        (
            "[[exports]]\nsegment = \"nobody\"\n",
            vec![
                "exports[0].segment",
                "\"nobody\"",
                "expected a rule segment",
            ],
        ),
        (
            "[[exports]]\nsegment = \"cluster 9\"\n",
            vec!["exports: segment \"cluster 9\"", "no segment \"cluster 9\""],
        ),
    ];
    for (segments, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        rules_project(dir.path(), segments);
        let o = cible(&["run"], dir.path());
        assert_eq!(o.status.code(), Some(2), "{segments}: {}", stderr(&o));
        let e = stderr(&o);
        for part in expected {
            assert!(e.contains(part), "{segments}: missing {part:?} in\n{e}");
        }
        // Nothing was committed.
        assert!(!dir.path().join("workspace/LATEST").exists(), "{segments}");
    }
}

/// The cells of a CSV or Parquet file, by column name.
fn read_columns(path: &Path) -> std::collections::HashMap<String, Vec<Option<String>>> {
    let (table, _) =
        cible_data::read_table(path, None, None, cible_core::project::Encoding::Auto).unwrap();
    table.columns.into_iter().zip(table.values).collect()
}

#[test]
fn export_writes_segment_members_and_only_consenting_contacts() {
    use std::collections::{HashMap, HashSet};
    let dir = tempfile::tempdir().unwrap();
    let o = cible(
        &["demo", "--accounts", "300", "--out", "demo", "-q"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let demo = dir.path().join("demo");
    let latest = std::fs::read_to_string(demo.join("workspace/LATEST")).unwrap();
    let run_dir = demo.join("workspace/runs").join(latest.trim());
    let export = |args: &[&str]| {
        let mut all = vec!["export", "--project", "demo", "--json"];
        all.extend_from_slice(args);
        cible(&all, dir.path())
    };

    // Accounts of a rule segment: exactly its members.
    let m = read_columns(&run_dir.join("rules/memberships.csv"));
    let members: HashSet<String> = m["segment"]
        .iter()
        .zip(&m["account_id"])
        .filter(|(s, _)| s.as_deref() == Some("interested_prospects"))
        .map(|(_, a)| a.clone().unwrap())
        .collect();
    assert!(!members.is_empty());
    let o = export(&["--segment", "interested_prospects", "--out", "a.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["rows"], members.len());
    let a = read_columns(&dir.path().join("a.csv"));
    let exported: HashSet<String> = a["account_id"].iter().map(|x| x.clone().unwrap()).collect();
    assert_eq!(exported, members);
    assert_eq!(a["account_id"].len(), members.len());
    assert!(a.contains_key("segment") && a.contains_key("name"));

    // A cluster: its accounts in segments/accounts.csv.
    let labels = read_columns(&run_dir.join("segments/accounts.csv"));
    let in_one = labels["segment"]
        .iter()
        .filter(|l| l.as_deref() == Some("1"))
        .count();
    let o = export(&["--segment", "cluster 1", "--as", "json", "--out", "c1.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("c1.json")).unwrap()).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), in_one);

    // Contacts: only those who opted in; the others counted.
    let entity: HashMap<String, String> = {
        let e = read_columns(&run_dir.join("entities/accounts.csv"));
        e["id"]
            .iter()
            .zip(&e["entity_id"])
            .map(|(a, b)| (a.clone().unwrap(), b.clone().unwrap()))
            .collect()
    };
    let contact_entity: HashMap<String, String> = {
        let e = read_columns(&run_dir.join("entities/contacts.csv"));
        e["id"]
            .iter()
            .zip(&e["entity_id"])
            .map(|(a, b)| (a.clone().unwrap(), b.clone().unwrap()))
            .collect()
    };
    let contacts = read_columns(&run_dir.join("tables/contacts.parquet"));
    // Per contact entity, its first row decides (duplicates are exported once).
    let mut seen = HashSet::new();
    let mut consenting = HashSet::new();
    let mut refusing = HashSet::new();
    for ((id, account), opt_in) in contacts["contact_id"]
        .iter()
        .zip(&contacts["account_id"])
        .zip(&contacts["email_opt_in"])
    {
        let id = id.clone().unwrap();
        let account = account.clone().unwrap_or_default();
        let account = entity.get(&account).cloned().unwrap_or(account);
        let person = contact_entity.get(&id).cloned().unwrap_or(id.clone());
        if members.contains(&account) && seen.insert(person) {
            if opt_in.as_deref() == Some("true") {
                consenting.insert(id);
            } else {
                refusing.insert(id);
            }
        }
    }
    assert!(
        !refusing.is_empty(),
        "the demo has contacts without consent"
    );
    let o = export(&[
        "--segment",
        "interested_prospects",
        "--of",
        "contacts",
        "--out",
        "c.csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = read_columns(&dir.path().join("c.csv"));
    let written: HashSet<String> = c["contact_id"].iter().map(|x| x.clone().unwrap()).collect();
    assert_eq!(written, consenting);
    assert!(written.is_disjoint(&refusing));
    assert_eq!(summary["rows"], c["contact_id"].len());
    let excluded = summary["excluded_without_consent"].as_u64().unwrap() as usize;
    assert_eq!(excluded, refusing.len());

    // HubSpot layout: its header, the same contacts.
    let o = export(&[
        "--segment",
        "interested_prospects",
        "--as",
        "hubspot",
        "--out",
        "h.csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = std::fs::read_to_string(dir.path().join("h.csv")).unwrap();
    assert_eq!(
        h.lines().next().unwrap(),
        "Email,First Name,Last Name,Phone Number,Job Title,Company Name"
    );
    let s: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(s["rows"], summary["rows"]);
    assert_eq!(s["excluded_without_consent"], excluded);

    let o = export(&[
        "--segment",
        "interested_prospects",
        "--as",
        "salesforce",
        "--out",
        "sf.csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sf = std::fs::read_to_string(dir.path().join("sf.csv")).unwrap();
    assert_eq!(
        sf.lines().next().unwrap(),
        "Email,FirstName,LastName,Phone,Title,Company"
    );
    let o = export(&[
        "--segment",
        "interested_prospects",
        "--as",
        "parquet",
        "--out",
        "a.parquet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p = read_columns(&dir.path().join("a.parquet"));
    assert_eq!(p["account_id"], a["account_id"]);

    // Errors: an unknown segment lists the segments, an unknown column the columns, an
    // unwritable path is named.
    let o = export(&["--segment", "nope", "--out", "n.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no segment \"nope\"")
            && e.contains("available segments: ")
            && e.contains("interested_prospects")
            && e.contains("cluster 1"),
        "{e}"
    );
    let o = export(&[
        "--segment",
        "1",
        "--columns",
        "account_id,bogus",
        "--out",
        "n.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no column \"bogus\"") && e.contains("recency_days"),
        "{e}"
    );
    assert!(!dir.path().join("n.csv").exists());
    let o = export(&[
        "--segment",
        "interested_prospects",
        "--out",
        "/nonexistent-dir/x.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("cannot write the export to /nonexistent-dir/x.csv"),
        "{e}"
    );
}

#[test]
fn a_score_with_one_class_is_an_error_naming_it_and_its_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let o = cible(
        &["demo", "--accounts", "50", "--out", "d", "-q"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let project = dir.path().join("d/cible.toml");
    let text = std::fs::read_to_string(&project).unwrap();
    let target = "SELECT DISTINCT account_id FROM orders";
    assert!(text.contains(target));
    std::fs::write(
        &project,
        text.replace(target, "SELECT account_id FROM orders WHERE false"),
    )
    .unwrap();
    let o = cible(&["run", "--project", "d", "-q"], dir.path());
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("score \"conversion\""), "{e}");
    assert!(e.contains("false for all"), "{e}");
    assert!(e.contains("0 positive"), "{e}");
}
