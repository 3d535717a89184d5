//! End-to-end checks of generated data sets against their planted truth.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::path::Path;

use arrow_array::{Array, StringArray};
use chrono::{Datelike, NaiveDate};
use cible_generator::{
    GenerateParams, OutputFormat, Segment, TMP_DIR, demo_sources, generate, luhn_valid,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const ACCOUNTS: usize = 400;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default()
}

fn make(accounts: usize, seed: u64, format: OutputFormat, dir: &Path) -> Result {
    let params = GenerateParams::new(accounts).seed(seed).format(format);
    generate(&params, dir, &|_, _, _| {})?;
    Ok(())
}

/// A table read back: headers and rows of text, missing values as empty strings.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, header: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == header)
            .unwrap_or_else(|| panic!("no column {header} in {:?}", self.headers))
    }

    fn column<'a>(&'a self, header: &str) -> impl Iterator<Item = &'a str> + 'a {
        let c = self.col(header);
        self.rows.iter().map(move |r| r[c].as_str())
    }
}

fn parse_csv(text: &str, delimiter: u8) -> Result<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = reader.headers()?.iter().map(String::from).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record?.iter().map(String::from).collect());
    }
    Ok(Table { headers, rows })
}

fn read_parquet(path: &Path) -> Result<Table> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?)?;
    let headers: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut rows = Vec::new();
    for batch in builder.build()? {
        let batch = batch?;
        let columns: Vec<&StringArray> = batch
            .columns()
            .iter()
            .map(|c| {
                c.as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or("not a string column")
            })
            .collect::<std::result::Result<_, _>>()?;
        for r in 0..batch.num_rows() {
            rows.push(
                columns
                    .iter()
                    .map(|c| {
                        if c.is_null(r) {
                            String::new()
                        } else {
                            c.value(r).to_string()
                        }
                    })
                    .collect(),
            );
        }
    }
    Ok(Table { headers, rows })
}

fn read_ndjson(path: &Path) -> Result<Table> {
    let text = fs::read_to_string(path)?;
    let mut headers: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for line in text.lines() {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)?;
        if headers.is_empty() {
            headers = object.keys().cloned().collect();
        }
        rows.push(
            headers
                .iter()
                .map(|h| match &object[h] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
        );
    }
    Ok(Table { headers, rows })
}

/// The four data tables by canonical name, read as ingestion would (per `demo_sources`).
fn read_data(dir: &Path, format: OutputFormat) -> Result<BTreeMap<String, Table>> {
    let mut tables = BTreeMap::new();
    for (_, source) in demo_sources(format) {
        let path = dir.join(&source.path);
        let table = if source.path.ends_with(".parquet") {
            read_parquet(&path)?
        } else if source.path.ends_with(".ndjson") {
            read_ndjson(&path)?
        } else {
            let bytes = fs::read(&path)?;
            let text = if source.encoding.as_deref() == Some("latin-1") {
                encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned()
            } else {
                String::from_utf8(bytes)?
            };
            let delimiter = source.delimiter.as_deref().unwrap_or(",").as_bytes()[0];
            parse_csv(&text, delimiter)?
        };
        tables.insert(source.kind.clone(), table);
    }
    Ok(tables)
}

fn read_truth(dir: &Path, name: &str) -> Result<Table> {
    parse_csv(
        &fs::read_to_string(dir.join("truth").join(format!("{name}.csv")))?,
        b',',
    )
}

/// The source header of canonical column `column` of table `kind`.
fn header(format: OutputFormat, kind: &str, column: &str) -> String {
    demo_sources(format)
        .into_iter()
        .find(|(_, s)| s.kind == kind)
        .and_then(|(_, s)| s.columns.get(column).cloned())
        .unwrap_or_else(|| panic!("no mapping for {kind}.{column}"))
}

fn files_under(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for sub in ["data", "truth"] {
        for entry in fs::read_dir(dir.join(sub))? {
            let path = entry?.path();
            files.insert(
                format!(
                    "{sub}/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                ),
                fs::read(&path)?,
            );
        }
    }
    Ok(files)
}

fn assert_deterministic(format: OutputFormat) -> Result {
    let (a, b) = (tempfile::tempdir()?, tempfile::tempdir()?);
    make(300, 11, format, a.path())?;
    // Same parameters on one thread: same bytes.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    pool.install(|| make(300, 11, format, b.path()).map_err(|e| e.to_string()))?;
    let (fa, fb) = (files_under(a.path())?, files_under(b.path())?);
    assert_eq!(fa.len(), 10, "{:?}", fa.keys());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between runs");
    }
    let c = tempfile::tempdir()?;
    make(300, 12, format, c.path())?;
    let key = format!("data/crm_accounts.{format}");
    assert_ne!(
        fa[&key],
        files_under(c.path())?[&key],
        "another seed, other data"
    );
    assert!(!a.path().join(TMP_DIR).exists());
    Ok(())
}

#[test]
fn csv_output_is_deterministic_whatever_the_thread_count() -> Result {
    assert_deterministic(OutputFormat::Csv)
}

#[test]
fn parquet_output_is_deterministic_whatever_the_thread_count() -> Result {
    assert_deterministic(OutputFormat::Parquet)
}

#[test]
fn truth_files_have_their_columns() -> Result {
    let dir = tempfile::tempdir()?;
    let calls = std::sync::Mutex::new(Vec::new());
    let progress = |stage: &str, done: u64, total: u64| {
        if let Ok(mut calls) = calls.lock() {
            calls.push((stage.to_string(), done, total));
        }
    };
    let summary = generate(
        &GenerateParams::new(ACCOUNTS).seed(1),
        dir.path(),
        &progress,
    )?;
    let calls = calls.into_inner().map_err(|e| e.to_string())?;
    assert_eq!(
        calls.first(),
        Some(&("generate".to_string(), 0, ACCOUNTS as u64))
    );
    assert_eq!(
        calls.last(),
        Some(&("generate".to_string(), ACCOUNTS as u64, ACCOUNTS as u64))
    );
    assert_eq!(
        summary.segments.iter().map(|(_, n)| n).sum::<u64>(),
        ACCOUNTS as u64
    );
    assert_eq!(summary.files[0].1, dir.path().join("data/crm_accounts.csv"));
    let expected = [
        ("segments", vec!["account_id", "segment"]),
        ("duplicate_accounts", vec!["id_a", "id_b"]),
        ("duplicate_contacts", vec!["id_a", "id_b"]),
        ("conversions", vec!["account_id", "converted_90d"]),
        (
            "dirt",
            vec!["table", "record_id", "column", "kind", "value"],
        ),
    ];
    for (name, columns) in expected {
        let table = read_truth(dir.path(), name)?;
        assert_eq!(table.headers, columns, "{name}");
        assert!(!table.rows.is_empty(), "{name} is empty");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("truth/manifest.json"))?)?;
    assert_eq!(manifest["params"]["accounts"], ACCOUNTS);
    assert_eq!(manifest["params"]["as_of"], "2026-11-01");
    assert_eq!(manifest["truth"]["truth/segments.csv"], ACCOUNTS);
    let data = read_data(dir.path(), OutputFormat::Csv)?;
    assert_eq!(
        manifest["files"]["data/erp_orders.csv"],
        data["orders"].rows.len()
    );
    Ok(())
}

#[test]
fn segments_duplicates_and_registry_numbers() -> Result {
    let dir = tempfile::tempdir()?;
    make(ACCOUNTS, 2, OutputFormat::Csv, dir.path())?;
    let data = read_data(dir.path(), OutputFormat::Csv)?;
    let accounts = &data["accounts"];
    let account_ids: HashSet<&str> = accounts.column("Id compte").collect();
    assert_eq!(
        account_ids.len(),
        accounts.rows.len(),
        "account ids are unique"
    );

    let segments = read_truth(dir.path(), "segments")?;
    let originals: HashSet<&str> = segments.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(segments.rows.len(), ACCOUNTS);
    assert_eq!(originals.len(), ACCOUNTS, "each original account once");
    let names: HashSet<&str> = segments.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, Segment::ALL.iter().map(|s| s.name()).collect());

    let pairs = read_truth(dir.path(), "duplicate_accounts")?;
    for pair in &pairs.rows {
        assert!(pair[0] < pair[1], "{pair:?}");
        assert!(account_ids.contains(pair[0].as_str()) && account_ids.contains(pair[1].as_str()));
        assert_eq!(
            originals.contains(pair[0].as_str()) as u8 + originals.contains(pair[1].as_str()) as u8,
            1
        );
    }
    assert_eq!(
        originals.len() + pairs.rows.len(),
        account_ids.len(),
        "every other record is a duplicate"
    );
    let rate = pairs.rows.len() as f64 / ACCOUNTS as f64;
    assert!(
        (0.02..0.09).contains(&rate),
        "account duplicate rate {rate}"
    );

    let contacts = &data["contacts"];
    let contact_ids: HashSet<&str> = contacts.column("Contact ID").collect();
    assert_eq!(contact_ids.len(), contacts.rows.len());
    let pairs = read_truth(dir.path(), "duplicate_contacts")?;
    for pair in &pairs.rows {
        assert!(pair[0] < pair[1]);
        assert!(contact_ids.contains(pair[0].as_str()) && contact_ids.contains(pair[1].as_str()));
    }
    let rate = pairs.rows.len() as f64 / (contacts.rows.len() - pairs.rows.len()) as f64;
    assert!(
        (0.02..0.09).contains(&rate),
        "contact duplicate rate {rate}"
    );
    for company in contacts.column("Company ID") {
        assert!(account_ids.contains(company), "{company}");
    }

    let mut french = 0;
    for (siren, siret) in accounts.column("SIREN").zip(accounts.column("SIRET")) {
        let siren = siren.replace(' ', "");
        if !siren.is_empty() {
            french += 1;
            assert!(siren.len() == 9 && luhn_valid(&siren), "SIREN {siren}");
        }
        if !siret.is_empty() {
            assert!(siret.len() == 14 && luhn_valid(siret), "SIRET {siret}");
        }
    }
    assert!(french > accounts.rows.len() / 2, "{french}");
    Ok(())
}

#[test]
fn orders_are_windows_1252() -> Result {
    let dir = tempfile::tempdir()?;
    make(ACCOUNTS, 3, OutputFormat::Csv, dir.path())?;
    let bytes = fs::read(dir.path().join("data/erp_orders.csv"))?;
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "orders must not be valid UTF-8"
    );
    let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!had_errors);
    assert!(
        text.starts_with("N° commande;Id compte;Date;Montant HT;"),
        "{}",
        &text[..60]
    );
    assert!(text.contains("Sérénité") && text.contains("\r\n"));
    assert!(
        fs::read(dir.path().join("data/crm_accounts.csv"))?
            .starts_with("\u{feff}Id compte;".as_bytes())
    );
    Ok(())
}

/// Original account of every account id (duplicates map to their original).
fn originals(dir: &Path) -> Result<HashMap<String, String>> {
    let segments = read_truth(dir, "segments")?;
    let mut map: HashMap<String, String> = segments
        .rows
        .iter()
        .map(|r| (r[0].clone(), r[0].clone()))
        .collect();
    for pair in read_truth(dir, "duplicate_accounts")?.rows {
        let (original, dup) = if map.contains_key(&pair[0]) {
            (&pair[0], &pair[1])
        } else {
            (&pair[1], &pair[0])
        };
        map.insert(dup.clone(), original.clone());
    }
    Ok(map)
}

fn parse_dmy(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d/%m/%Y").ok()
}

#[test]
fn conversions_and_segment_behaviour_follow_the_truth() -> Result {
    let dir = tempfile::tempdir()?;
    make(ACCOUNTS, 4, OutputFormat::Csv, dir.path())?;
    let data = read_data(dir.path(), OutputFormat::Csv)?;
    let original = originals(dir.path())?;
    let segment: HashMap<String, String> = read_truth(dir.path(), "segments")?
        .rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();

    // Orders per original account, before and after as_of.
    let orders = &data["orders"];
    let mut before: HashMap<&str, u32> = HashMap::new();
    let mut after: HashMap<&str, u32> = HashMap::new();
    // Orders whose date is planted dirt: prospects have none before as_of, so for them these
    // are after.
    let mut undated: HashMap<&str, u32> = HashMap::new();
    for (account, date) in orders.column("Id compte").zip(orders.column("Date")) {
        let counts = match parse_dmy(date) {
            Some(date) if date < as_of() => &mut before,
            Some(date) => {
                assert!(
                    date <= as_of() + chrono::TimeDelta::days(90),
                    "order on {date}"
                );
                &mut after
            }
            None => &mut undated,
        };
        *counts.entry(original[account].as_str()).or_default() += 1;
    }

    let accounts = &data["accounts"];
    let status: HashMap<&str, &str> = accounts
        .column("Id compte")
        .zip(accounts.column("Statut"))
        .collect();
    let conversions = read_truth(dir.path(), "conversions")?;
    assert!(!conversions.rows.is_empty());
    let mut converted_by_segment: HashMap<&str, (u32, u32)> = HashMap::new();
    for row in &conversions.rows {
        let id = row[0].as_str();
        assert_eq!(status[id], "prospect", "{id} is not a prospect");
        assert_eq!(
            before.get(id),
            None,
            "prospect {id} has orders before as_of"
        );
        let converted = row[1] == "true";
        let orders_after =
            after.get(id).copied().unwrap_or(0) + undated.get(id).copied().unwrap_or(0);
        assert_eq!(
            converted,
            orders_after > 0,
            "{id}: converted {converted}, {orders_after} orders after"
        );
        let entry = converted_by_segment
            .entry(segment[id].as_str())
            .or_default();
        entry.0 += u32::from(converted);
        entry.1 += 1;
    }
    let prospects = segment
        .iter()
        .filter(|(id, _)| status[id.as_str()] == "prospect")
        .count();
    assert_eq!(
        prospects,
        conversions.rows.len(),
        "every prospect has a conversion row"
    );
    let rate = |s: &str| converted_by_segment[s].0 as f64 / converted_by_segment[s].1 as f64;
    assert!(
        rate("engaged_prospect") > 2.0 * rate("digital_researcher"),
        "{converted_by_segment:?}"
    );

    // Mean order counts are distinct and ordered.
    let mean = |s: Segment| {
        let ids: Vec<&String> = segment
            .iter()
            .filter(|(_, v)| *v == s.name())
            .map(|(k, _)| k)
            .collect();
        let total: u32 = ids
            .iter()
            .map(|id| {
                [&before, &after, &undated]
                    .iter()
                    .map(|m| m.get(id.as_str()).copied().unwrap_or(0))
                    .sum::<u32>()
            })
            .sum();
        f64::from(total) / ids.len() as f64
    };
    use Segment::*;
    let order = [
        LargeLoyal,
        FastGrowing,
        Dormant,
        PriceSensitive,
        EngagedProspect,
        DigitalResearcher,
    ];
    let means: Vec<f64> = order.iter().map(|s| mean(*s)).collect();
    for w in means.windows(2) {
        assert!(w[0] > w[1], "mean orders {order:?} = {means:?}");
    }

    // Dormant accounts ordered only more than 15 months ago; fast growers are young.
    let limit = as_of() - chrono::TimeDelta::days(450);
    for (account, date) in orders.column("Id compte").zip(orders.column("Date")) {
        if let Some(date) = parse_dmy(date)
            && segment[&original[account]] == "dormant"
        {
            assert!(date < limit, "dormant {account} ordered on {date}");
        }
    }
    let young = as_of() - chrono::TimeDelta::days(365);
    for (id, created) in accounts
        .column("Id compte")
        .zip(accounts.column("Date de création"))
    {
        // 1900 is a planted outlier.
        if segment.get(id).map(String::as_str) == Some("fast_growing")
            && let Some(created) = parse_dmy(created)
            && created.year() > 1900
        {
            assert!(created > young, "{id} created {created}");
        }
    }

    // Researchers never attend webinars nor ask for demos.
    let events = &data["events"];
    let contact_account: HashMap<&str, &str> = data["contacts"]
        .column("Contact ID")
        .zip(data["contacts"].column("Company ID"))
        .collect();
    for (account, (contact, ty)) in events
        .column("account_id")
        .zip(events.column("contact_id").zip(events.column("type")))
    {
        let account = if account.is_empty() {
            contact_account[contact]
        } else {
            account
        };
        if segment[&original[account]] == "digital_researcher" {
            assert!(
                !matches!(
                    ty,
                    "webinar_attended" | "webinar_registered" | "demo_request"
                ),
                "{account}: {ty}"
            );
        }
    }
    Ok(())
}

/// Whether `text` parses under the ingestion rules for `column`.
fn parses(column: &str, text: &str, decimal: char) -> bool {
    let number = |t: &str| {
        let t: String = t.chars().filter(|c| *c != ' ' && *c != '\u{a0}').collect();
        let t = if decimal == ',' {
            t.replace(',', ".")
        } else {
            t
        };
        t.parse::<f64>().is_ok()
    };
    match column {
        "employees" | "quantity" => text
            .chars()
            .filter(|c| *c != ' ')
            .all(|c| c.is_ascii_digit()),
        "revenue" | "amount" => number(text),
        "created_at" | "ordered_at" => parse_dmy(text).is_some(),
        "consent_date" => NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        "occurred_at" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "email_opt_in" => matches!(text, "yes" | "no"),
        "channel" => [
            "web", "email", "webinar", "call", "chat", "social", "event", "direct", "partner",
        ]
        .contains(&text),
        _ => true,
    }
}

fn assert_dirt_is_where_the_truth_says(format: OutputFormat) -> Result {
    let dir = tempfile::tempdir()?;
    make(ACCOUNTS, 5, format, dir.path())?;
    let data = read_data(dir.path(), format)?;
    let dirt = read_truth(dir.path(), "dirt")?;
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    let mut malformed: HashSet<(String, String, String)> = HashSet::new();
    for row in &dirt.rows {
        let (table, id, column, kind, value) =
            (&row[0], &row[1], &row[2], row[3].as_str(), &row[4]);
        *kinds.entry(kind).or_default() += 1;
        let t = &data[table.as_str()];
        let id_col = t.col(&header(
            format,
            table,
            &format!("{}_id", table.trim_end_matches('s')),
        ));
        assert!(!column.ends_with("_id"), "dirt in an id column: {row:?}");
        let col = t.col(&header(format, table, column));
        let record = t
            .rows
            .iter()
            .find(|r| &r[id_col] == id)
            .unwrap_or_else(|| panic!("no record {id} in {table}"));
        match kind {
            "missing" => assert_eq!(record[col], "", "{row:?}"),
            "outlier" | "malformed" => assert_eq!(&record[col], value, "{row:?}"),
            other => panic!("unknown kind {other}"),
        }
        if kind == "malformed" {
            assert!(
                !parses(column, value, ','),
                "malformed value parses: {row:?}"
            );
            malformed.insert((table.clone(), id.clone(), column.clone()));
        }
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    // Every other value of the checked columns parses.
    for (table, t) in &data {
        let id_col = t.col(&header(
            format,
            table,
            &format!("{}_id", table.trim_end_matches('s')),
        ));
        for (canonical, header) in demo_sources(format)
            .into_iter()
            .find(|(_, s)| &s.kind == table)
            .map(|(_, s)| s.columns)
            .unwrap_or_default()
        {
            let col = t.col(&header);
            for r in &t.rows {
                let key = (table.clone(), r[id_col].clone(), canonical.clone());
                if !r[col].is_empty() && !malformed.contains(&key) {
                    assert!(
                        parses(&canonical, &r[col], ','),
                        "{table}.{canonical} = {:?} does not parse",
                        r[col]
                    );
                }
            }
        }
    }
    Ok(())
}

#[test]
fn planted_dirt_is_in_the_csv_files() -> Result {
    assert_dirt_is_where_the_truth_says(OutputFormat::Csv)
}

#[test]
fn planted_dirt_is_in_the_parquet_files() -> Result {
    assert_dirt_is_where_the_truth_says(OutputFormat::Parquet)
}

#[test]
fn demo_sources_pass_the_project_checks_and_name_real_headers() -> Result {
    for format in [OutputFormat::Csv, OutputFormat::Parquet] {
        let dir = tempfile::tempdir()?;
        make(50, 6, format, dir.path())?;
        let data = read_data(dir.path(), format)?;
        let sources = demo_sources(format);
        assert_eq!(sources.len(), 4);
        for (name, source) in &sources {
            let spec = source
                .check(&format!("sources.{name}"), "")
                .map_err(|e| e.to_string())?;
            assert!(dir.path().join(&spec.path).is_file(), "{}", spec.path);
            let table = &data[spec.kind.name()];
            for (canonical, header) in &spec.columns {
                assert!(
                    table.headers.contains(header),
                    "{name}: {canonical} = {header:?} not in {:?}",
                    table.headers
                );
            }
            assert_eq!(
                spec.columns.len(),
                table.headers.len(),
                "{name}: every column is mapped"
            );
        }
    }
    Ok(())
}

#[test]
fn a_second_run_replaces_the_first() -> Result {
    let dir = tempfile::tempdir()?;
    make(20, 1, OutputFormat::Csv, dir.path())?;
    fs::create_dir_all(dir.path().join(TMP_DIR))?;
    make(30, 1, OutputFormat::Csv, dir.path())?;
    assert_eq!(read_truth(dir.path(), "segments")?.rows.len(), 30);
    assert!(!dir.path().join(TMP_DIR).exists());
    Ok(())
}

#[test]
fn invalid_parameters_write_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let err = generate(&GenerateParams::new(5), dir.path(), &|_, _, _| {})
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("invalid parameter `accounts` = 5: must be at least 10")
    );
    assert!(!dir.path().join("data").exists());
}

/// Times a 100 000-account data set: `cargo test --release -p cible-generator -- --ignored`.
#[test]
#[ignore]
fn time_100k_accounts() -> Result {
    for format in [OutputFormat::Csv, OutputFormat::Parquet] {
        let dir = tempfile::tempdir()?;
        let params = GenerateParams::new(100_000).format(format);
        let summary = generate(&params, dir.path(), &|_, _, _| {})?;
        let rows: Vec<String> = summary
            .files
            .iter()
            .map(|(t, _, n)| format!("{t} {n}"))
            .collect();
        eprintln!(
            "{format}: 100 000 accounts in {:.2} s ({})",
            summary.seconds,
            rows.join(", ")
        );
    }
    Ok(())
}

#[test]
fn an_unwritable_output_names_the_path_and_the_fix() -> Result {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x")?;
    let err = generate(&GenerateParams::new(10), &file, &|_, _, _| {})
        .err()
        .ok_or("no error")?;
    let message = err.to_string();
    let expected = format!(
        "cannot create {}",
        file.join(TMP_DIR).join("data").display()
    );
    assert!(message.starts_with(&expected), "{message}");
    assert!(
        message.ends_with("; check that the output folder is writable and that the disk has space"),
        "{message}"
    );
    assert_eq!(err.kind(), cible_core::ErrorKind::Io);
    Ok(())
}
