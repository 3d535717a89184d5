//! Agglomerative hierarchical clustering: Ward, complete, average and single linkage, the
//! full dendrogram, and cuts by number of clusters or by height.
//!
//! Ward and single linkage run in O(n · d) memory, so that 100 000 rows fit where a distance
//! matrix would not: Ward by the nearest-neighbour chain on cluster centroids and sizes,
//! single linkage by Prim's minimum spanning tree. Complete and average linkage need every
//! pairwise distance (the nearest-neighbour chain on a condensed distance matrix, n(n−1)/2
//! values). Each costs O(n² · d) time.
//!
//! Heights are those of scipy and scikit-learn: Euclidean distance for single, complete and
//! average linkage; for Ward, `sqrt(2 |A| |B| / (|A| + |B|)) · ‖c_A − c_B‖`.

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matrix::{Float, Matrix, distance_f64};
use crate::mst::{lexicographic_min, prim};

/// How the distance between two clusters is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Linkage {
    /// The increase in within-cluster variance (compact, similar-sized clusters).
    #[default]
    Ward,
    /// The largest distance between their members.
    Complete,
    /// The mean distance between their members.
    Average,
    /// The smallest distance between their members (chains; finds elongated clusters).
    Single,
}

impl fmt::Display for Linkage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Linkage::Ward => "ward",
            Linkage::Complete => "complete",
            Linkage::Average => "average",
            Linkage::Single => "single",
        })
    }
}

impl FromStr for Linkage {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ward" => Ok(Linkage::Ward),
            "complete" => Ok(Linkage::Complete),
            "average" => Ok(Linkage::Average),
            "single" => Ok(Linkage::Single),
            _ => Err(Error::param(
                "linkage",
                format!("\"{s}\""),
                "must be one of: ward, complete, average, single",
            )),
        }
    }
}

/// One merge of the dendrogram, as in scipy's linkage matrix: rows are clusters `0..n`, the
/// cluster made by merge `i` is `n + i`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Merge {
    /// The smaller id of the two clusters merged.
    pub left: usize,
    /// The larger id.
    pub right: usize,
    /// The linkage distance between them.
    pub height: f64,
    /// Rows in the merged cluster.
    pub size: usize,
}

/// The full merge tree of `n` rows: `n − 1` merges in increasing height.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dendrogram {
    n: usize,
    linkage: Linkage,
    merges: Vec<Merge>,
}

impl Dendrogram {
    /// Builds the dendrogram of the rows of `x` (at least one row and one column).
    pub fn fit<F: Float>(x: &Matrix<F>, linkage: Linkage) -> Result<Dendrogram> {
        x.check_not_empty("the data")?;
        let n = x.rows();
        // (representative row of one side, of the other side, height), in discovery order.
        let raw = match linkage {
            Linkage::Ward => ward_chain(x),
            Linkage::Single => prim(x.rows(), |i, j| distance_f64(x.row(i), x.row(j))),
            Linkage::Complete | Linkage::Average => matrix_chain(x, linkage),
        };
        Ok(Dendrogram {
            n,
            linkage,
            merges: relabel(n, raw),
        })
    }

    /// The linkage used.
    pub fn linkage(&self) -> Linkage {
        self.linkage
    }

    /// Number of rows (leaves).
    pub fn n_leaves(&self) -> usize {
        self.n
    }

    /// The merges in increasing height.
    pub fn merges(&self) -> &[Merge] {
        &self.merges
    }

    /// The labels of the `k` clusters left after undoing the last `k − 1` merges, numbered by
    /// first appearance in row order.
    pub fn cut_k(&self, k: usize) -> Result<Vec<usize>> {
        if k < 1 || k > self.n {
            return Err(Error::param(
                "k",
                k,
                format!("must be between 1 and the number of rows, {}", self.n),
            ));
        }
        Ok(self.labels_after(self.n - k))
    }

    /// The labels of the clusters whose merges are all at height `height` or below (scipy's
    /// `fcluster(..., criterion="distance")`), numbered by first appearance.
    pub fn cut_height(&self, height: f64) -> Vec<usize> {
        let m = self
            .merges
            .iter()
            .take_while(|m| m.height <= height)
            .count();
        self.labels_after(m)
    }

    fn labels_after(&self, merges: usize) -> Vec<usize> {
        let n = self.n;
        // Cluster id → the cluster it was merged into (if within the first `merges`).
        let mut parent: Vec<usize> = (0..n + merges).collect();
        for (i, m) in self.merges[..merges].iter().enumerate() {
            parent[m.left] = n + i;
            parent[m.right] = n + i;
        }
        let root = |mut c: usize| {
            while parent[c] != c {
                c = parent[c];
            }
            c
        };
        let mut number = vec![usize::MAX; n + merges];
        let mut next = 0;
        (0..n)
            .map(|i| {
                let r = root(i);
                if number[r] == usize::MAX {
                    number[r] = next;
                    next += 1;
                }
                number[r]
            })
            .collect()
    }
}

/// Rows per parallel task in the nearest-neighbour searches.
const PAR_CHUNK: usize = 2048;

/// Sorts merges by height (stably) and names clusters as scipy does.
fn relabel(n: usize, mut raw: Vec<(usize, usize, f64)>) -> Vec<Merge> {
    raw.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut parent: Vec<usize> = (0..n).collect();
    let mut id: Vec<usize> = (0..n).collect();
    let mut size = vec![1usize; n];
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    raw.into_iter()
        .enumerate()
        .map(|(step, (a, b, height))| {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            let (ia, ib) = (id[ra], id[rb]);
            let merged = size[ra] + size[rb];
            parent[rb] = ra;
            id[ra] = n + step;
            size[ra] = merged;
            Merge {
                left: ia.min(ib),
                right: ia.max(ib),
                height,
                size: merged,
            }
        })
        .collect()
}

/// Ward's linkage by the nearest-neighbour chain on centroids and sizes: O(n · d) memory.
fn ward_chain<F: Float>(x: &Matrix<F>) -> Vec<(usize, usize, f64)> {
    let (n, d) = (x.rows(), x.cols());
    let mut centroid: Vec<f64> = x.as_slice().iter().map(|v| v.to_f64()).collect();
    let mut size = vec![1.0f64; n];
    let mut active: Vec<usize> = (0..n).collect();
    let cost = |centroid: &[f64], size: &[f64], a: usize, b: usize| -> f64 {
        let ca = &centroid[a * d..(a + 1) * d];
        let cb = &centroid[b * d..(b + 1) * d];
        let sq: f64 = ca.iter().zip(cb).map(|(p, q)| (p - q) * (p - q)).sum();
        2.0 * size[a] * size[b] / (size[a] + size[b]) * sq
    };
    let mut merges = Vec::with_capacity(n.saturating_sub(1));
    let mut chain: Vec<usize> = Vec::new();
    while merges.len() + 1 < n {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        loop {
            let a = *chain.last().expect("non-empty chain");
            let previous = chain.len().checked_sub(2).map(|i| chain[i]);
            // Nearest active cluster; the previous one on the chain wins ties, so that the
            // chain always ends.
            let others = active
                .par_chunks(PAR_CHUNK)
                .map(|chunk| {
                    chunk
                        .iter()
                        .filter(|&&b| b != a && Some(b) != previous)
                        .map(|&b| (cost(&centroid, &size, a, b), b))
                        .fold((f64::INFINITY, usize::MAX), lexicographic_min)
                })
                .reduce(|| (f64::INFINITY, usize::MAX), lexicographic_min);
            let (best_cost, b) = match previous {
                Some(p) => {
                    let c = cost(&centroid, &size, a, p);
                    if c <= others.0 { (c, p) } else { others }
                }
                None => others,
            };
            if Some(b) == previous {
                chain.truncate(chain.len() - 2);
                merges.push((a, b, best_cost.sqrt()));
                // The merged cluster lives in the slot of the smaller index.
                let (keep, gone) = (a.min(b), a.max(b));
                let (sk, sg) = (size[keep], size[gone]);
                for f in 0..d {
                    centroid[keep * d + f] =
                        (sk * centroid[keep * d + f] + sg * centroid[gone * d + f]) / (sk + sg);
                }
                size[keep] = sk + sg;
                active.retain(|&c| c != gone);
                break;
            }
            chain.push(b);
        }
    }
    merges
}

/// Complete or average linkage by the nearest-neighbour chain on the condensed distance
/// matrix, updated with the Lance–Williams formulas.
fn matrix_chain<F: Float>(x: &Matrix<F>, linkage: Linkage) -> Vec<(usize, usize, f64)> {
    let n = x.rows();
    let index = |i: usize, j: usize| {
        let (i, j) = if i < j { (i, j) } else { (j, i) };
        // Row-major upper triangle without the diagonal.
        n * i - i * (i + 1) / 2 + (j - i - 1)
    };
    let mut dist = vec![0.0f64; n * n.saturating_sub(1) / 2];
    for i in 0..n {
        for j in i + 1..n {
            dist[index(i, j)] = distance_f64(x.row(i), x.row(j));
        }
    }
    let mut size = vec![1.0f64; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut merges = Vec::with_capacity(n.saturating_sub(1));
    let mut chain: Vec<usize> = Vec::new();
    while merges.len() + 1 < n {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        loop {
            let a = *chain.last().expect("non-empty chain");
            let previous = chain.len().checked_sub(2).map(|i| chain[i]);
            let mut best = previous;
            let mut best_d = previous.map_or(f64::INFINITY, |p| dist[index(a, p)]);
            for &b in &active {
                if b != a && Some(b) != previous && dist[index(a, b)] < best_d {
                    best_d = dist[index(a, b)];
                    best = Some(b);
                }
            }
            let b = best.expect("at least two active clusters");
            if Some(b) == previous {
                chain.truncate(chain.len() - 2);
                merges.push((a, b, best_d));
                let (keep, gone) = (a.min(b), a.max(b));
                let (sk, sg) = (size[keep], size[gone]);
                for &c in &active {
                    if c != keep && c != gone {
                        let (dk, dg) = (dist[index(c, keep)], dist[index(c, gone)]);
                        dist[index(c, keep)] = match linkage {
                            Linkage::Complete => dk.max(dg),
                            _ => (sk * dk + sg * dg) / (sk + sg),
                        };
                    }
                }
                size[keep] = sk + sg;
                active.retain(|&c| c != gone);
                break;
            }
            chain.push(b);
        }
    }
    merges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Matrix<f64> {
        Matrix::new(vec![0.0, 1.0, 5.0, 6.0, 6.5, 20.0], 6, 1).unwrap()
    }

    #[test]
    fn linkage_matrices_equal_scipy() {
        // scipy.cluster.hierarchy.linkage([[0], [1], [5], [6], [6.5], [20]], method)
        let expected: [(Linkage, [f64; 5]); 4] = [
            (
                Linkage::Ward,
                [
                    0.5,
                    1.0,
                    1.4433756729740643,
                    8.262364471909155,
                    21.04320951439363,
                ],
            ),
            (Linkage::Complete, [0.5, 1.0, 1.5, 6.5, 20.0]),
            (Linkage::Average, [0.5, 1.0, 1.25, 5.333333333333333, 16.3]),
            (Linkage::Single, [0.5, 1.0, 1.0, 4.0, 13.5]),
        ];
        let ids = [(3, 4, 2), (0, 1, 2), (2, 6, 3), (7, 8, 5), (5, 9, 6)];
        for (linkage, heights) in expected {
            let d = Dendrogram::fit(&points(), linkage).unwrap();
            for (m, (&h, &(left, right, size))) in d.merges().iter().zip(heights.iter().zip(&ids)) {
                assert_eq!((m.left, m.right, m.size), (left, right, size), "{linkage}");
                assert!(
                    (m.height - h).abs() < 1e-12,
                    "{linkage}: {} vs {h}",
                    m.height
                );
            }
        }
    }

    #[test]
    fn cuts() {
        let d = Dendrogram::fit(&points(), Linkage::Single).unwrap();
        assert_eq!(d.cut_k(3).unwrap(), vec![0, 0, 1, 1, 1, 2]);
        assert_eq!(d.cut_height(1.0), vec![0, 0, 1, 1, 1, 2]);
        assert_eq!(d.cut_height(0.1), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(d.cut_k(1).unwrap(), vec![0; 6]);
        assert_eq!(d.cut_k(6).unwrap(), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn same_tree_whatever_the_thread_count() {
        let centres =
            Matrix::from_rows(&[[0.0, 0.0, 0.0], [5.0, 0.0, 1.0], [0.0, 5.0, 2.0]]).unwrap();
        let (x, truth) = crate::make_blobs(3_000, &centres, 1.0, 4).unwrap();
        for linkage in [Linkage::Ward, Linkage::Single] {
            let fit = || Dendrogram::fit(&x, linkage).unwrap();
            let (one, two) = crate::test_support::one_and_two_threads(fit);
            assert_eq!(one, two, "{linkage}");
            if linkage == Linkage::Ward {
                let ari =
                    crate::metrics::adjusted_rand_score(&truth, &one.cut_k(3).unwrap()).unwrap();
                assert!(ari > 0.9, "{ari}");
            }
        }
    }

    #[test]
    fn validation_and_parsing() {
        let d = Dendrogram::fit(&points(), Linkage::Ward).unwrap();
        assert_eq!(
            d.cut_k(7).unwrap_err().to_string(),
            "invalid parameter `k` = 7: must be between 1 and the number of rows, 6"
        );
        for l in [
            Linkage::Ward,
            Linkage::Complete,
            Linkage::Average,
            Linkage::Single,
        ] {
            assert_eq!(l.to_string().parse::<Linkage>().unwrap(), l);
        }
        assert_eq!(
            "centroid".parse::<Linkage>().unwrap_err().to_string(),
            "invalid parameter `linkage` = \"centroid\": must be one of: ward, complete, average, single"
        );
        let one = Matrix::new(vec![1.0f64, 2.0], 1, 2).unwrap();
        assert!(
            Dendrogram::fit(&one, Linkage::Ward)
                .unwrap()
                .merges()
                .is_empty()
        );
    }
}
