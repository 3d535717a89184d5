//! Accuracy on the public FEBRL data sets, without labels and with default settings.

use std::path::PathBuf;

use cible_dedup::{DedupParams, Records, deduplicate, pair_scores};

fn shared_data() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        dir.join("febrl1.csv").exists(),
        "the reference data sets are missing: expected them in {}",
        dir.display()
    );
    dir
}

fn load(name: &str) -> Records {
    let mut reader = csv::Reader::from_path(shared_data().join(name)).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); headers.len()];
    for row in reader.records() {
        let row = row.unwrap();
        for (c, value) in row.iter().enumerate() {
            let v = value.trim();
            columns[c].push((!v.is_empty()).then(|| v.to_string()));
        }
    }
    let ids = columns[0].clone();
    Records::new(ids, headers.into_iter().zip(columns).skip(1).collect()).unwrap()
}

fn truth(name: &str) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_path(shared_data().join(name)).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].trim().to_string(), r[1].trim().to_string())
        })
        .collect()
}

fn check(data: &str, pairs: &str) {
    let records = load(data);
    let result = deduplicate(&records, None, &DedupParams::new()).unwrap();
    let truth = truth(pairs);
    let scores = pair_scores(
        result
            .pairs
            .iter()
            .map(|p| (p.id_a.as_str(), p.id_b.as_str())),
        truth.iter().map(|(a, b)| (a.as_str(), b.as_str())),
    );
    eprintln!("{data}: {scores:?}\n{:#?}", result.stats);
    assert!(
        scores.precision >= 0.98,
        "{data}: precision {:.4}",
        scores.precision
    );
    assert!(scores.recall >= 0.98, "{data}: recall {:.4}", scores.recall);
    assert!(scores.f1 >= 0.98, "{data}: F1 {:.4}", scores.f1);
    // Lineage: every record is in exactly one entity.
    assert_eq!(result.entities.len(), records.len());
    assert!(result.entities.iter().all(|e| !e.is_empty()));
}

#[test]
fn febrl1_without_labels() {
    check("febrl1.csv", "febrl1_true_pairs.csv");
}

#[test]
fn febrl2_without_labels() {
    check("febrl2.csv", "febrl2_true_pairs.csv");
}

#[test]
fn entities_do_not_depend_on_row_order() {
    let records = load("febrl1.csv");
    let n = records.len();
    // A fixed permutation: reversed, then rotated by a third.
    let order: Vec<usize> = (0..n).rev().cycle().skip(n / 3).take(n).collect();
    let shuffled = Records::new(
        order
            .iter()
            .map(|&i| Some(records.id(i).to_string()))
            .collect(),
        records
            .columns()
            .iter()
            .enumerate()
            .map(|(c, name)| {
                (
                    name.clone(),
                    order
                        .iter()
                        .map(|&i| records.value(c, i).map(str::to_string))
                        .collect(),
                )
            })
            .collect(),
    )
    .unwrap();
    let params = DedupParams::new();
    let a = deduplicate(&records, None, &params).unwrap();
    let b = deduplicate(&shuffled, None, &params).unwrap();
    let entity_of =
        |r: &Records, d: &cible_dedup::Dedup| -> std::collections::BTreeMap<String, String> {
            (0..r.len())
                .map(|i| (r.id(i).to_string(), d.entities[i].clone()))
                .collect()
        };
    assert_eq!(entity_of(&records, &a), entity_of(&shuffled, &b));
    assert_eq!(a.pairs, b.pairs);
    assert_eq!(a.model, b.model);
}

#[test]
fn an_empty_table_gives_no_entities() {
    let records = Records::new(vec![], vec![("name".into(), vec![])]).unwrap();
    let err = deduplicate(&records, None, &DedupParams::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no fields to compare: no column other than the id has values; columns: name"
    );
}

#[test]
fn a_merge_is_explained_field_by_field() {
    let records = load("febrl1.csv");
    let result = deduplicate(&records, None, &DedupParams::new()).unwrap();
    let evidence = result.explain("rec-0-org", "rec-0-dup-0").unwrap();
    assert_eq!(evidence.len(), result.model.fields.len());
    let total: f64 = evidence.iter().map(|e| e.weight).sum();
    assert!(result.model.probability(total) > 0.9, "{evidence:#?}");
    assert!(
        evidence
            .iter()
            .any(|e| e.level == "exact" && e.weight > 0.0)
    );
}
