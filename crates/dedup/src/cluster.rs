//! Grouping matched pairs into entities without chaining unrelated records.
//!
//! Matched pairs are joined into connected components. A component is kept whole when it is
//! small (at most `max_cluster_size` records) and consistent: no two of its records are
//! clearly different (match probability below [`CANNOT_LINK`]). Otherwise it is re-split:
//! first by raising the threshold on its own edges until its parts are small, then by average
//! linkage on the match probabilities of all its pairs, merging groups while their average
//! probability is at least one half. A chain a–b–c where a and c have nothing in common is
//! thus cut, while a record with two typo-ridden duplicates stays one entity.

/// Below this probability two records of one component are "clearly different". Unrelated
/// records score far lower (their prior is that of a random pair); a tenth still leaves room
/// for two typo-ridden copies of one record, which average linkage keeps together through
/// their original.
pub const CANNOT_LINK: f64 = 0.1;

/// Union-find over record indices.
pub(crate) struct DisjointSets {
    parent: Vec<u32>,
}

impl DisjointSets {
    pub fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
        }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// Connected components of `edges` over `members` (indices into the whole table), each sorted.
pub(crate) fn components(
    members: &[u32],
    edges: &[(u32, u32, f64)],
    min_probability: f64,
) -> Vec<Vec<u32>> {
    let local = |x: u32| members.binary_search(&x).ok();
    let mut sets = DisjointSets::new(members.len());
    for &(a, b, p) in edges {
        if p >= min_probability
            && let (Some(i), Some(j)) = (local(a), local(b))
        {
            sets.union(i as u32, j as u32);
        }
    }
    let mut groups: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
    for (i, &m) in members.iter().enumerate() {
        groups.entry(sets.find(i as u32)).or_default().push(m);
    }
    groups.into_values().collect()
}

/// Splits a component into consistent entities. `probability(a, b)` scores any pair of its
/// records; `edges` are its matched pairs.
pub(crate) fn split_component(
    members: Vec<u32>,
    edges: &[(u32, u32, f64)],
    threshold: f64,
    max_size: usize,
    probability: &dyn Fn(u32, u32) -> f64,
) -> Vec<Vec<u32>> {
    let mut parts = vec![members];
    let mut level = threshold;
    while parts.iter().any(|p| p.len() > max_size) && level < 1.0 - 1e-12 {
        level = 1.0 - (1.0 - level) / 10.0;
        parts = parts
            .into_iter()
            .flat_map(|p| {
                if p.len() > max_size {
                    components(&p, edges, level)
                } else {
                    vec![p]
                }
            })
            .collect();
    }
    parts
        .into_iter()
        .flat_map(|p| consistent(p, max_size, probability))
        .collect()
}

fn consistent(
    members: Vec<u32>,
    max_size: usize,
    probability: &dyn Fn(u32, u32) -> f64,
) -> Vec<Vec<u32>> {
    let n = members.len();
    if n <= 2 || n > max_size {
        // Pairs are consistent by construction; oversized parts (only when every edge has
        // probability 1) are identical records.
        return vec![members];
    }
    let mut p = vec![0.0; n * n];
    let mut clash = false;
    for i in 0..n {
        for j in i + 1..n {
            let v = probability(members[i], members[j]);
            p[i * n + j] = v;
            p[j * n + i] = v;
            clash |= v < CANNOT_LINK;
        }
    }
    if !clash {
        return vec![members];
    }
    // Average linkage on probabilities: merge the most similar groups while their average
    // pairwise probability is at least one half.
    let mut groups: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for a in 0..groups.len() {
            for b in a + 1..groups.len() {
                let sum: f64 = groups[a]
                    .iter()
                    .flat_map(|&i| groups[b].iter().map(move |&j| (i, j)))
                    .map(|(i, j)| p[i * n + j])
                    .sum();
                let avg = sum / (groups[a].len() * groups[b].len()) as f64;
                if avg >= 0.5 && best.is_none_or(|(bv, _, _)| avg > bv) {
                    best = Some((avg, a, b));
                }
            }
        }
        let Some((_, a, b)) = best else { break };
        let merged = groups.remove(b);
        groups[a].extend(merged);
    }
    let mut out: Vec<Vec<u32>> = groups
        .into_iter()
        .map(|g| {
            let mut g: Vec<u32> = g.into_iter().map(|i| members[i]).collect();
            g.sort_unstable();
            g
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_follow_edges_above_the_threshold() {
        let edges = [(0, 1, 0.99), (1, 2, 0.95), (3, 4, 0.5)];
        assert_eq!(
            components(&[0, 1, 2, 3, 4], &edges, 0.9),
            [vec![0, 1, 2], vec![3], vec![4]]
        );
        assert_eq!(
            components(&[0, 1, 2, 3, 4], &edges, 0.97),
            [vec![0, 1], vec![2], vec![3], vec![4]]
        );
    }

    #[test]
    fn a_chain_between_unrelated_records_is_cut() {
        // a–b and b–c match, but a and c are clearly different: b goes with the closer one.
        let prob = |a: u32, b: u32| match (a.min(b), a.max(b)) {
            (0, 1) => 0.99,
            (1, 2) => 0.92,
            _ => 0.0001,
        };
        let edges = [(0, 1, 0.99), (1, 2, 0.92)];
        assert_eq!(
            split_component(vec![0, 1, 2], &edges, 0.9, 50, &prob),
            [vec![0, 1], vec![2]]
        );
    }

    #[test]
    fn an_original_with_two_noisy_duplicates_stays_together() {
        // Both duplicates match the original; they match each other only weakly but are not
        // clearly different.
        let prob = |a: u32, b: u32| match (a.min(b), a.max(b)) {
            (0, 1) | (0, 2) => 0.99,
            _ => 0.3,
        };
        let edges = [(0, 1, 0.99), (0, 2, 0.99)];
        assert_eq!(
            split_component(vec![0, 1, 2], &edges, 0.9, 50, &prob),
            [vec![0, 1, 2]]
        );
    }

    #[test]
    fn oversized_components_are_split_on_their_strongest_edges() {
        let members: Vec<u32> = (0..6).collect();
        let edges = [
            (0, 1, 0.999),
            (1, 2, 0.999),
            (2, 3, 0.95),
            (3, 4, 0.999),
            (4, 5, 0.999),
        ];
        let prob = |a: u32, b: u32| if a.abs_diff(b) == 1 { 0.99 } else { 0.6 };
        assert_eq!(
            split_component(members, &edges, 0.9, 3, &prob),
            [vec![0, 1, 2], vec![3, 4, 5]]
        );
    }
}
