use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// 400 rows: `orders` uniform on 0..20, `noise` uniform, `role` a flag; the segment is
/// planted as `orders ≥ 12` (threshold 11.5), the rest of the columns unrelated.
fn planted() -> (ProfileData, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = 400;
    let orders: Vec<f64> = (0..n).map(|_| f64::from(rng.random_range(0..20))).collect();
    let noise: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 100.0).collect();
    let role: Vec<f64> = (0..n).map(|_| f64::from(rng.random_bool(0.3))).collect();
    let region: Vec<Option<String>> = (0..n)
        .map(|i| (i % 5 != 0).then(|| ["north", "south"][i % 2].to_string()))
        .collect();
    let mut data = ProfileData::new(n);
    data.numeric("orders", orders.clone()).unwrap();
    data.numeric("noise", noise).unwrap();
    data.numeric("role", role).unwrap();
    data.categorical("region", region).unwrap();
    let members = (0..n).filter(|&i| orders[i] >= 12.0).collect();
    (data, members)
}

#[test]
fn the_explanation_recovers_a_planted_threshold() {
    let (data, members) = planted();
    let size = members.len();
    let profiles = ProfileParams::default()
        .profile(
            &data,
            &[SegmentMembers::new("busy", members)],
            &Lexicon::new(),
        )
        .unwrap();
    let p = &profiles.segments[0];
    assert_eq!(p.size, size);
    let e = p.explanation.as_ref().unwrap();
    assert_eq!(e.fidelity.accuracy, 1.0);
    assert_eq!(e.fidelity.f1, 1.0);
    assert_eq!(e.rules.len(), 1, "{:?}", e.rules);
    let rule = &e.rules[0];
    assert_eq!(rule.text, "orders ≥ 12");
    assert_eq!(rule.conditions[0].threshold, 11.5);
    assert_eq!(rule.conditions[0].comparison, Comparison::Above);
    assert_eq!((rule.rows, rule.members), (size, size));
    assert_eq!((rule.coverage, rule.precision), (1.0, 1.0));
    // The planted feature leads, far ahead of the others.
    assert_eq!(p.distinguishing[0].feature, "orders");
    assert_eq!(p.distinguishing[0].direction, Direction::Higher);
    assert!(p.distinguishing[0].d > 2.0, "{:?}", p.distinguishing);
    assert!(p.distinguishing[1].d.abs() < 0.3, "{:?}", p.distinguishing);
    assert_eq!(p.generated_name, "High orders accounts");
    assert_eq!(p.actions[0].action, persona::DEFAULT_ACTION.0);
}

#[test]
fn statistics_and_effects_by_hand() {
    // x = [2, 4, 6 | 1, 1, 2, 4, NaN]; the segment is the first three rows.
    let mut data = ProfileData::new(8);
    data.numeric("x", vec![2.0, 4.0, 6.0, 1.0, 1.0, 2.0, 4.0, f64::NAN])
        .unwrap();
    data.numeric("constant", vec![7.0; 8]).unwrap();
    data.categorical(
        "c",
        ["a", "a", "b", "b", "b", "b", "a"]
            .iter()
            .map(|s| Some(s.to_string()))
            .chain([None])
            .collect(),
    )
    .unwrap();
    let profiles = ProfileParams::default()
        .bins(2)
        .profile(
            &data,
            &[SegmentMembers::new("s", vec![2, 0, 1, 1])],
            &Lexicon::new(),
        )
        .unwrap();
    let p = &profiles.segments[0];
    assert_eq!((p.size, p.share), (3, 3.0 / 8.0));
    let x = &p.numeric[0];
    assert_eq!(x.summary.mean, Some(4.0));
    assert_eq!((x.summary.q1, x.summary.q3), (Some(3.0), Some(5.0)));
    assert_eq!(x.summary.missing, 0);
    assert_eq!(x.rest_mean, Some(2.0));
    // Cohen's d: 2 / √((8 + 6) / 5).
    assert!((x.d.unwrap() - 2.0 / 2.8f64.sqrt()).abs() < 1e-12);
    // Population: sorted [1, 1, 2, 2, 4, 4, 6], median 2, edges at 0, 0.5, 1 quantiles.
    let pop = &profiles.population.numeric[0];
    assert_eq!(pop.summary.missing, 1);
    assert_eq!(pop.edges, [1.0, 2.0, 6.0]);
    assert_eq!(pop.histogram, [2, 5]);
    assert_eq!(x.histogram, [0, 3]);
    // A constant feature has no effect and is never distinguishing.
    assert_eq!(p.numeric[1].d, None);
    assert_eq!(p.distinguishing.len(), 1);
    // Categories: the segment is a, a, b; the population a ×3, b ×4, missing ×1.
    let c = &p.categorical[0];
    assert_eq!(c.values[0].value, "a");
    assert_eq!((c.values[0].count, c.values[0].share), (2, 2.0 / 3.0));
    assert_eq!(c.values[0].population_share, 3.0 / 8.0);
    assert!((c.values[0].lift - (2.0 / 3.0) / (3.0 / 8.0)).abs() < 1e-12);
    assert_eq!(c.values[1].value, "b");
    assert!((c.values[1].lift - (1.0 / 3.0) / 0.5).abs() < 1e-12);
    let pop_c = &profiles.population.categorical[0];
    assert_eq!(pop_c.values[0].value, "b");
    assert_eq!(pop_c.values[2].value, MISSING_CATEGORY);
}

#[test]
fn overlapping_partial_and_whole_segments() {
    let (data, members) = planted();
    let n = data.rows();
    let segments = [
        SegmentMembers::new("busy", members.clone()),
        // Overlaps the first; together they leave rows out.
        SegmentMembers::new("half of them", members[..members.len() / 2].to_vec()),
        SegmentMembers::new("everyone", (0..n).collect()),
        SegmentMembers::new("nobody", Vec::new()),
    ];
    let mut lexicon = Lexicon::new();
    lexicon.insert(
        "orders".into(),
        PersonaWords::new(Some("frequent"), Some("occasional")),
    );
    let profiles = ProfileParams::default()
        .profile(&data, &segments, &lexicon)
        .unwrap();
    let names: Vec<&str> = profiles
        .segments
        .iter()
        .map(|p| p.generated_name.as_str())
        .collect();
    // The first two share their only phrase, so the second is numbered.
    assert_eq!(
        names,
        [
            "Frequent accounts",
            "Frequent accounts 2",
            "Typical accounts",
            "Typical accounts 2"
        ]
    );
    let everyone = &profiles.segments[2];
    assert_eq!((everyone.size, everyone.share), (n, 1.0));
    assert!(everyone.explanation.is_none());
    assert!(everyone.distinguishing.is_empty());
    let nobody = &profiles.segments[3];
    assert_eq!(nobody.size, 0);
    assert_eq!(nobody.numeric[0].summary.mean, None);
    assert!(nobody.explanation.is_none());
    assert!(profiles.segments[1].explanation.is_some());
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let (data, members) = planted();
    let segments = [
        SegmentMembers::new("a", members),
        SegmentMembers::new("b", (0..100).collect()),
    ];
    let params = ProfileParams::default().max_tree_rows(150).seed(4);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| params.profile(&data, &segments, &Lexicon::new()).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    let e = one.segments[0].explanation.as_ref().unwrap();
    assert_eq!(e.training_rows, 150);
}

#[test]
fn input_and_parameter_messages() {
    let mut data = ProfileData::new(3);
    data.numeric("x", vec![1.0, 2.0, 3.0]).unwrap();
    let message = |e: Error| e.to_string();
    assert_eq!(
        message(data.numeric("x", vec![1.0, 2.0, 3.0]).unwrap_err()),
        "column \"x\" is given twice; column names must be unique"
    );
    assert_eq!(
        message(data.categorical("c", vec![None]).unwrap_err()),
        "column \"c\" has 1 values but the columns before it have 3"
    );
    assert_eq!(
        message(
            data.numeric("y", vec![1.0, f64::INFINITY, 0.0])
                .unwrap_err()
        ),
        "column \"y\", row 1: value inf is not finite"
    );
    let segment = [SegmentMembers::new("late", vec![0, 3])];
    assert_eq!(
        message(
            ProfileParams::default()
                .profile(&data, &segment, &Lexicon::new())
                .unwrap_err()
        ),
        "segment \"late\" lists row 3 but the data has 3 rows (rows count from 0)"
    );
    let p = ProfileParams::default;
    assert_eq!(
        message(p().bins(0).check().unwrap_err()),
        "invalid parameter `bins` = 0: must be at least 1"
    );
    assert_eq!(
        message(p().max_depth(7).check().unwrap_err()),
        "invalid parameter `max_depth` = 7: must be at most 6 (deeper trees do not read as rules)"
    );
    assert_eq!(
        message(p().min_effect(-1.0).check().unwrap_err()),
        "invalid parameter `min_effect` = -1: must be a finite number, at least 0"
    );
    assert_eq!(
        message(p().min_leaf_share(0.5).check().unwrap_err()),
        "invalid parameter `min_leaf_share` = 0.5: must be at least 0 and below 0.5"
    );
}
