//! End-to-end ingestion: files in, Parquet table and rejects out.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use cible_core::project::SourceConfig;
use cible_core::schema::TableKind;
use cible_data::{IngestSummary, NamedSource, RejectsWriter, ingest_table};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

struct Loaded {
    summary: IngestSummary,
    table: RecordBatch,
    rejects: Vec<[String; 5]>,
}

fn load(dir: &Path, config: SourceConfig) -> Result<Loaded, cible_data::DataError> {
    let kind: TableKind = config.kind.parse().unwrap();
    let spec = config.check("", "")?;
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let rejects_path = out.join("rejects.csv");
    let mut rejects = RejectsWriter::create(&rejects_path)?;
    let table_path = out.join(format!("{kind}.parquet"));
    let source = NamedSource {
        name: "test".into(),
        spec,
    };
    let summary = ingest_table(kind, &[source], dir, &table_path, &mut rejects, &|_| {})?;
    rejects.finish()?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&table_path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    let table = arrow_select::concat::concat_batches(&kind_schema(&table_path), &batches).unwrap();
    let rejects = csv::Reader::from_path(&rejects_path)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            std::array::from_fn(|i| r[i].to_string())
        })
        .collect();
    Ok(Loaded {
        summary,
        table,
        rejects,
    })
}

fn kind_schema(path: &Path) -> Arc<Schema> {
    ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .schema()
        .clone()
}

fn strings(table: &RecordBatch, column: &str) -> Vec<Option<String>> {
    let a = table.column_by_name(column).unwrap().as_string::<i32>();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
        .collect()
}

fn reject(file: &str, line: u64, column: &str, value: &str, reason: &str) -> [String; 5] {
    [
        file.into(),
        line.to_string(),
        column.into(),
        value.into(),
        reason.into(),
    ]
}

#[test]
fn malformed_csv_rows_are_rejected_with_their_physical_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = Vec::new();
    text.extend_from_slice(b"Id;Nom;Effectif;Chiffre d'affaires;Date de creation\n"); // line 1
    text.extend_from_slice(b"A1;Alpha SAS;12;1 234,50;05/03/2024\n"); // 2: fine
    text.extend_from_slice(b"A2;Beta;12k;100;05/03/2024\n"); // 3: bad integer
    text.extend_from_slice(b"A3;\"Gamma\nsur deux lignes\";5;10,5;2024-03-05\n"); // 4-5: embedded newline, fine
    text.extend_from_slice(b"A4;Delta;7;abc;31/02/2024\n"); // 6: bad number and bad date
    text.extend_from_slice(b"A5;Epsilon;3\n"); // 7: ragged
    text.extend_from_slice(b"A6;Z\xE9ta;1;1;01/01/2020\n"); // 8: invalid UTF-8
    text.extend_from_slice(b"\n"); // 9: blank line, not a row
    text.extend_from_slice(b";Eta;1;1;01/01/2020\n"); // 10: missing id
    text.extend_from_slice(b"A1;Alpha bis;1;1;01/01/2020\n"); // 11: duplicate id
    text.extend_from_slice(b"A7;\"Theta; \"\"quoted\"\"\";N/A;;20240305\n"); // 12: fine, nulls
    std::fs::write(dir.path().join("crm.csv"), &text).unwrap();

    let mut config = SourceConfig::new(TableKind::Accounts, "crm.csv");
    config.encoding = Some("utf-8".into());
    config.decimal = Some(",".into());
    for (k, v) in [
        ("account_id", "Id"),
        ("name", "Nom"),
        ("employees", "Effectif"),
        ("revenue", "Chiffre d'affaires"),
        ("created_at", "Date de creation"),
    ] {
        config.columns.insert(k.into(), v.into());
    }
    let loaded = load(dir.path(), config).unwrap();

    assert_eq!(
        loaded.rejects,
        vec![
            reject(
                "crm.csv",
                3,
                "Effectif",
                "12k",
                "cannot parse \"12k\" as an integer"
            ),
            reject(
                "crm.csv",
                6,
                "Chiffre d'affaires",
                "abc",
                "cannot parse \"abc\" as a number"
            ),
            reject(
                "crm.csv",
                6,
                "Date de creation",
                "31/02/2024",
                "cannot parse \"31/02/2024\" as a date"
            ),
            reject(
                "crm.csv",
                7,
                "",
                "A5;Epsilon;3",
                "expected 5 fields as in the header, found 3"
            ),
            reject(
                "crm.csv",
                8,
                "Nom",
                "Z\u{FFFD}ta",
                "invalid UTF-8; if the file is Latin-1, set encoding = \"latin-1\""
            ),
            reject("crm.csv", 10, "Id", "", "missing required value"),
            reject(
                "crm.csv",
                11,
                "Id",
                "A1",
                "duplicate id \"A1\", first seen at crm.csv:2"
            ),
        ]
    );
    let s = &loaded.summary;
    assert_eq!((s.rows_read, s.rows_loaded, s.rows_rejected), (9, 3, 6));
    assert_eq!(s.rejects_by_reason["unparsable value"], 3);
    assert_eq!(s.files[0].detected.delimiter.as_deref(), Some(";"));

    let t = &loaded.table;
    assert_eq!(
        strings(t, "account_id"),
        [Some("A1".into()), Some("A3".into()), Some("A7".into())]
    );
    assert_eq!(
        strings(t, "name"),
        [
            Some("Alpha SAS".into()),
            Some("Gamma\nsur deux lignes".into()),
            Some("Theta; \"quoted\"".into())
        ]
    );
    let employees = t
        .column_by_name("employees")
        .unwrap()
        .as_primitive::<Int64Type>();
    assert_eq!(
        employees.iter().collect::<Vec<_>>(),
        [Some(12), Some(5), None]
    );
    let revenue = t
        .column_by_name("revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    assert_eq!(
        revenue.iter().collect::<Vec<_>>(),
        [Some(1234.5), Some(10.5), None]
    );
    let created = t
        .column_by_name("created_at")
        .unwrap()
        .as_primitive::<Date32Type>();
    assert!(
        created.iter().all(|d| d == Some(19_787)),
        "2024-03-05 is day 19787"
    );
    let lines = t
        .column_by_name("_line")
        .unwrap()
        .as_primitive::<Int64Type>();
    assert_eq!(lines.values().to_vec(), [2, 4, 12]);
    assert_eq!(strings(t, "_file")[0].as_deref(), Some("crm.csv"));
}

#[test]
fn latin1_files_are_detected_and_decoded() {
    let dir = tempfile::tempdir().unwrap();
    // "Société Générale d'Équipements" and "Île-de-France" in Windows-1252, with a € sign.
    let text = b"account_id,name,region,revenue\nB1,Soci\xE9t\xE9 G\xE9n\xE9rale d'\xC9quipements,\xCEle-de-France,\x801200\n";
    std::fs::write(dir.path().join("latin.csv"), text).unwrap();
    let loaded = load(
        dir.path(),
        SourceConfig::new(TableKind::Accounts, "latin.csv"),
    )
    .unwrap();
    assert!(loaded.rejects.is_empty(), "{:?}", loaded.rejects);
    assert_eq!(
        strings(&loaded.table, "name")[0].as_deref(),
        Some("Société Générale d'Équipements")
    );
    assert_eq!(
        strings(&loaded.table, "region")[0].as_deref(),
        Some("Île-de-France")
    );
    let revenue = loaded
        .table
        .column_by_name("revenue")
        .unwrap()
        .as_primitive::<Float64Type>();
    assert_eq!(revenue.value(0), 1200.0);
    assert_eq!(
        loaded.summary.files[0].detected.encoding.as_deref(),
        Some("latin-1")
    );
}

#[test]
fn a_glob_loads_every_file_and_ids_stay_unique_across_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("erp")).unwrap();
    std::fs::write(
        dir.path().join("erp/2024.csv"),
        "order_id,account_id,ordered_at,amount\nO1,A1,2024-01-02,10.5\nO2,A1,2024-02-03,20\n",
    )
    .unwrap();
    // Another export with BOM, CRLF, a different column order and a tab delimiter.
    std::fs::write(
        dir.path().join("erp/2025.csv"),
        "\u{feff}account_id\torder_id\tamount\tordered_at\r\nA2\tO3\t5\t2025-01-02\r\nA2\tO1\t7\t2025-01-03\r\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("erp/readme.md"), "not data").unwrap();
    let loaded = load(
        dir.path(),
        SourceConfig::new(TableKind::Orders, "erp/*.csv"),
    )
    .unwrap();
    assert_eq!(
        strings(&loaded.table, "order_id"),
        [Some("O1".into()), Some("O2".into()), Some("O3".into())]
    );
    assert_eq!(
        loaded.rejects,
        [reject(
            "erp/2025.csv",
            3,
            "order_id",
            "O1",
            "duplicate id \"O1\", first seen at erp/2024.csv:2"
        )]
    );
    assert_eq!(loaded.summary.files.len(), 2);
    assert_eq!(
        loaded.summary.files[1].detected.delimiter.as_deref(),
        Some("\\t")
    );
    let amounts: &Float64Array = loaded
        .table
        .column_by_name("amount")
        .unwrap()
        .as_primitive();
    assert_eq!(amounts.values().to_vec(), [10.5, 20.0, 5.0]);
}

#[test]
fn mapping_errors_name_the_file_and_list_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("o.csv"),
        "Numero,Client,Date,Montant\n1,A,2024-01-01,3\n",
    )
    .unwrap();
    let err = load(dir.path(), SourceConfig::new(TableKind::Orders, "o.csv"))
        .err()
        .unwrap();
    assert!(
        err.to_string().ends_with(
            "o.csv: missing column \"order_id\" required by orders; available columns: Numero, Client, Date, Montant. \
             Map one to it with --map order_id=<column> or columns = { order_id = \"<column>\" }"
        ),
        "{err}"
    );
    let mut config = SourceConfig::new(TableKind::Orders, "o.csv");
    config.columns.insert("order_id".into(), "Numéro".into());
    let err = load(dir.path(), config).err().unwrap();
    assert!(err.to_string().ends_with("o.csv: column \"Numéro\" (given for order_id) not found; available columns: Numero, Client, Date, Montant"));
    let err = load(
        dir.path(),
        SourceConfig::new(TableKind::Orders, "missing/*.csv"),
    )
    .err()
    .unwrap();
    assert_eq!(err.to_string(), "no data file matches `missing/*.csv`");
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();
    let err = load(
        dir.path(),
        SourceConfig::new(TableKind::Orders, "empty.csv"),
    )
    .err()
    .unwrap();
    assert!(
        err.to_string()
            .ends_with("empty.csv: the file is empty; expected a header line with column names")
    );
}

#[test]
fn ndjson_events_with_nested_properties() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"event_id":"E1","account_id":"A1","occurred_at":"2024-03-05T10:00:00Z","channel":"Web","type":"page_view","properties":{"url":"/tarifs"}}"#,
        r#"{"event_id":"E2","contact_id":"C1","occurred_at":"2024-03-05 11:00:00","channel":"email","type":"email_open"}"#,
        r#"not json"#,
        r#"{"event_id":"E3","occurred_at":"2024-03-05","channel":"web","type":"visit"}"#,
        r#"{"event_id":"E4","account_id":"A1","occurred_at":"2024-03-05","channel":"fax","type":"visit"}"#,
        "",
        r#"{"event_id":"E5","account_id":7,"occurred_at":"yesterday","channel":"web","type":"visit"}"#,
    ];
    std::fs::write(dir.path().join("events.ndjson"), lines.join("\n")).unwrap();
    let loaded = load(
        dir.path(),
        SourceConfig::new(TableKind::Events, "events.ndjson"),
    )
    .unwrap();
    assert_eq!(
        strings(&loaded.table, "event_id"),
        [Some("E1".into()), Some("E2".into())]
    );
    assert_eq!(
        strings(&loaded.table, "channel"),
        [Some("web".into()), Some("email".into())]
    );
    assert_eq!(
        strings(&loaded.table, "properties")[0].as_deref(),
        Some(r#"{"url":"/tarifs"}"#)
    );
    let at = loaded
        .table
        .column_by_name("occurred_at")
        .unwrap()
        .as_primitive::<TimestampMicrosecondType>();
    assert_eq!(at.value(1) - at.value(0), 3_600_000_000);
    let got: Vec<(String, String)> = loaded
        .rejects
        .iter()
        .map(|r| (r[1].clone(), r[4].clone()))
        .collect();
    assert_eq!(got[0].0, "3");
    assert!(
        got[0].1.starts_with("not a JSON object: expected ident"),
        "{}",
        got[0].1
    );
    assert_eq!(
        got[1],
        (
            "4".into(),
            "neither account_id nor contact_id is set".into()
        )
    );
    assert_eq!(
        got[2],
        (
            "5".into(),
            "cannot parse \"fax\" as one of web, email, webinar, call, chat, social, event".into()
        )
    );
    assert_eq!(
        got[3],
        (
            "7".into(),
            "cannot parse \"yesterday\" as a date and time".into()
        )
    );
    assert_eq!(loaded.summary.rows_read, 6);
}

#[test]
fn typed_and_text_parquet_columns_are_coerced_alike() {
    let dir = tempfile::tempdir().unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("order_id", DataType::Utf8, false),
        Field::new("account_id", DataType::Utf8, true),
        Field::new("ordered_at", DataType::Utf8, true),
        Field::new("amount", DataType::Float64, true),
        Field::new("quantity", DataType::Int64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["O1", "O2", "O3"])),
            Arc::new(StringArray::from(vec![Some("A1"), None, Some("A3")])),
            Arc::new(StringArray::from(vec!["05/03/2024", "2024-03-05", "bad"])),
            Arc::new(Float64Array::from(vec![1234.5, 2.0, 3.0])),
            Arc::new(Int64Array::from(vec![Some(3), Some(1), None])),
        ],
    )
    .unwrap();
    let mut writer = ArrowWriter::try_new(
        File::create(dir.path().join("o.parquet")).unwrap(),
        schema,
        None,
    )
    .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    // A decimal comma setting applies to text, not to typed numbers.
    let mut config = SourceConfig::new(TableKind::Orders, "o.parquet");
    config.decimal = Some(",".into());
    let loaded = load(dir.path(), config).unwrap();
    assert_eq!(strings(&loaded.table, "order_id"), [Some("O1".into())]);
    let amounts = loaded
        .table
        .column_by_name("amount")
        .unwrap()
        .as_primitive::<Float64Type>();
    assert_eq!(amounts.value(0), 1234.5);
    assert_eq!(
        loaded.rejects,
        [
            reject("o.parquet", 2, "account_id", "", "missing required value"),
            reject(
                "o.parquet",
                3,
                "ordered_at",
                "bad",
                "cannot parse \"bad\" as a date"
            ),
        ]
    );
}

#[test]
fn kept_columns_travel_with_the_table() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.csv"),
        "account_id,name,Segment CRM\nA1,Alpha,Grands comptes\n",
    )
    .unwrap();
    let mut config = SourceConfig::new(TableKind::Accounts, "a.csv");
    config.keep = vec!["Segment CRM".into()];
    let loaded = load(dir.path(), config).unwrap();
    assert_eq!(
        strings(&loaded.table, "segment_crm"),
        [Some("Grands comptes".into())]
    );
    assert!(loaded.summary.files[0].unmapped.is_empty());
}
