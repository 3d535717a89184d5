//! Hierarchical clustering equal to scikit-learn's AgglomerativeClustering on iris and wine:
//! the same merge heights, and the same partitions when cut into 2 to 6 clusters (values
//! from `reference/make_reference.py`).

use crate::common::*;
use cible_ml::{Dendrogram, Linkage};

/// Labels renumbered by first appearance, so that equal partitions compare equal.
fn canonical(labels: &[usize]) -> Vec<usize> {
    let mut seen: Vec<usize> = Vec::new();
    labels
        .iter()
        .map(|l| match seen.iter().position(|s| s == l) {
            Some(p) => p,
            None => {
                seen.push(*l);
                seen.len() - 1
            }
        })
        .collect()
}

#[test]
fn dendrograms_match_sklearn() {
    for name in DATASETS {
        let (x, _) = load_dataset(name);
        let r = reference(name);
        for linkage in [
            Linkage::Ward,
            Linkage::Complete,
            Linkage::Average,
            Linkage::Single,
        ] {
            let want = &r["hierarchical"][linkage.to_string().as_str()];
            let d = Dendrogram::fit(&x, linkage).unwrap();
            let heights: Vec<f64> = d.merges().iter().map(|m| m.height).collect();
            let diff = max_abs_diff(&heights, &f64s(&want["heights"]));
            println!("{name} {linkage}: merge heights max |diff| {diff:.3e}");
            assert!(
                diff <= TOLERANCE,
                "{name} {linkage}: heights differ by {diff:e}"
            );
            for cut in want["cuts"].as_array().unwrap() {
                let k = cut["k"].as_u64().unwrap() as usize;
                assert!(
                    !cut["tie_at_cut"].as_bool().unwrap(),
                    "{name} {linkage} k={k}: tie"
                );
                let labels = d.cut_k(k).unwrap();
                assert_eq!(
                    labels,
                    canonical(&usizes(&cut["labels"])),
                    "{name} {linkage} k={k}"
                );
            }
        }
    }
}
