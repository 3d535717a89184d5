//! HDBSCAN (Campello, Moulavi & Sander 2013), as scikit-learn's `HDBSCAN` computes it with its
//! defaults (excess-of-mass selection, no single cluster, no epsilon): core distances from a
//! k-d tree, a minimum spanning tree of the mutual reachability graph by Prim's algorithm
//! (O(n) memory, O(n² · d) time, parallel), the single-linkage tree, the condensed tree, and
//! the most stable clusters. Rows outside every selected cluster are noise; each row also gets
//! a membership strength in [0, 1].

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kdtree::KdTree;
use crate::matrix::{Float, Matrix, distance_f64};
use crate::mst::prim;

/// HDBSCAN parameters as the user gives them; built with [`Hdbscan::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HdbscanParams {
    min_cluster_size: usize,
    #[serde(default)]
    min_samples: Option<usize>,
}

impl HdbscanParams {
    /// Neighbours (the row itself included) that define a row's core distance: larger values
    /// make the clustering more conservative, with more noise. Default: `min_cluster_size`.
    pub fn min_samples(mut self, min_samples: usize) -> Self {
        self.min_samples = Some(min_samples);
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        if self.min_cluster_size < 2 {
            return Err(Error::param(
                "min_cluster_size",
                self.min_cluster_size,
                "must be at least 2",
            ));
        }
        if let Some(m) = self.min_samples
            && m < 1
        {
            return Err(Error::param("min_samples", m, "must be at least 1"));
        }
        Ok(self)
    }

    /// Checks the parameters and clusters the rows of `x` (Euclidean distance).
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<Hdbscan> {
        self.check()?;
        x.check_not_empty("the data")?;
        let n = x.rows();
        let min_samples = self.min_samples.unwrap_or(self.min_cluster_size);
        if min_samples > n {
            return Err(Error::TooFewRows {
                what: format!("HDBSCAN with min_samples = {min_samples}"),
                needed: min_samples,
                rows: n,
            });
        }
        if n == 1 {
            return Ok(Hdbscan {
                labels: vec![None],
                probabilities: vec![0.0],
                n_clusters: 0,
            });
        }
        let tree = KdTree::new(x);
        let core: Vec<f64> = (0..n)
            .into_par_iter()
            .map(|i| tree.kth_distance(i, min_samples))
            .collect();
        // Prim's tree of the mutual reachability graph `max(core[a], core[b], ‖a − b‖)`, as
        // scikit-learn's `mst_from_data_matrix`.
        let mut mst = prim(x.rows(), |a, b| {
            distance_f64(x.row(a), x.row(b)).max(core[a]).max(core[b])
        });
        mst.sort_by(|a, b| a.2.total_cmp(&b.2));
        let linkage = single_linkage(n, &mst);
        let condensed = condense(n, &linkage, self.min_cluster_size);
        Ok(select(n, &condensed))
    }
}

/// One merge of the single-linkage tree (scipy's format: rows `0..n`, merge `i` is `n + i`).
struct Link {
    left: usize,
    right: usize,
    distance: f64,
    size: usize,
}

/// The single-linkage tree from MST edges sorted by weight.
fn single_linkage(n: usize, mst: &[(usize, usize, f64)]) -> Vec<Link> {
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let mut size = vec![1usize; 2 * n - 1];
    let find = |parent: &mut Vec<usize>, mut i: usize| {
        let mut root = i;
        while parent[root] != root {
            root = parent[root];
        }
        while parent[i] != root {
            let next = parent[i];
            parent[i] = root;
            i = next;
        }
        root
    };
    mst.iter()
        .enumerate()
        .map(|(step, &(a, b, distance))| {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            let merged = n + step;
            parent[ra] = merged;
            parent[rb] = merged;
            size[merged] = size[ra] + size[rb];
            Link {
                left: ra,
                right: rb,
                distance,
                size: size[merged],
            }
        })
        .collect()
}

/// One row of the condensed tree: `child` (a row if below n, else a cluster) leaves `parent`
/// at `lambda = 1 / distance`.
struct Condensed {
    parent: usize,
    child: usize,
    lambda: f64,
    size: usize,
}

/// Nodes of the subtree of `root` in breadth-first order (scikit-learn's `bfs_from_hierarchy`).
fn bfs(n: usize, linkage: &[Link], root: usize) -> Vec<usize> {
    let mut result = Vec::new();
    let mut level = vec![root];
    while !level.is_empty() {
        result.extend_from_slice(&level);
        level = level
            .iter()
            .filter(|&&x| x >= n)
            .flat_map(|&x| [linkage[x - n].left, linkage[x - n].right])
            .collect();
    }
    result
}

/// The condensed tree: splits into two parts of at least `min_cluster_size` rows make new
/// clusters; smaller parts are rows falling out of their cluster (scikit-learn's
/// `_condense_tree`).
fn condense(n: usize, linkage: &[Link], min_cluster_size: usize) -> Vec<Condensed> {
    let root = 2 * (n - 1);
    let mut relabel = vec![0usize; root + 1];
    relabel[root] = n;
    let mut next_label = n + 1;
    let mut ignore = vec![false; root + 1];
    let mut out = Vec::new();
    let count = |node: usize| if node >= n { linkage[node - n].size } else { 1 };
    for node in bfs(n, linkage, root) {
        if ignore[node] || node < n {
            continue;
        }
        let link = &linkage[node - n];
        let (left, right) = (link.left, link.right);
        let lambda = if link.distance > 0.0 {
            1.0 / link.distance
        } else {
            f64::INFINITY
        };
        let (lc, rc) = (count(left), count(right));
        let parent = relabel[node];
        let fall_out = |side: usize, out: &mut Vec<Condensed>, ignore: &mut Vec<bool>| {
            for sub in bfs(n, linkage, side) {
                if sub < n {
                    out.push(Condensed {
                        parent,
                        child: sub,
                        lambda,
                        size: 1,
                    });
                }
                ignore[sub] = true;
            }
        };
        if lc >= min_cluster_size && rc >= min_cluster_size {
            for (side, size) in [(left, lc), (right, rc)] {
                relabel[side] = next_label;
                next_label += 1;
                out.push(Condensed {
                    parent,
                    child: relabel[side],
                    lambda,
                    size,
                });
            }
        } else if lc < min_cluster_size && rc < min_cluster_size {
            fall_out(left, &mut out, &mut ignore);
            fall_out(right, &mut out, &mut ignore);
        } else if lc < min_cluster_size {
            relabel[right] = parent;
            fall_out(left, &mut out, &mut ignore);
        } else {
            relabel[left] = parent;
            fall_out(right, &mut out, &mut ignore);
        }
    }
    out
}

/// Excess-of-mass selection of the most stable clusters (the root excluded), then labels and
/// membership strengths (scikit-learn's `_get_clusters` with its defaults).
fn select(n: usize, condensed: &[Condensed]) -> Hdbscan {
    let max_cluster = condensed.iter().map(|c| c.parent).max().unwrap_or(n);
    let n_nodes = max_cluster.max(condensed.iter().map(|c| c.child).max().unwrap_or(0)) + 1;
    // Birth lambda of every cluster, and each cluster's stability.
    let mut birth = vec![0.0f64; n_nodes];
    let mut parent_of = vec![usize::MAX; n_nodes];
    let mut leave_lambda = vec![0.0f64; n_nodes];
    for c in condensed {
        birth[c.child] = c.lambda;
        parent_of[c.child] = c.parent;
        leave_lambda[c.child] = c.lambda;
    }
    birth[n] = 0.0;
    let mut stability = vec![0.0f64; n_nodes];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n_nodes];
    let mut death = vec![0.0f64; n_nodes];
    for c in condensed {
        stability[c.parent] += (c.lambda - birth[c.parent]) * c.size as f64;
        death[c.parent] = death[c.parent].max(c.lambda);
        if c.size > 1 {
            children[c.parent].push(c.child);
        }
    }
    // Every cluster but the root is a candidate.
    let mut is_cluster = vec![false; n_nodes];
    is_cluster[n + 1..=max_cluster].fill(true);
    for node in (n + 1..=max_cluster).rev() {
        let subtree: f64 = children[node].iter().map(|&c| stability[c]).sum();
        if subtree > stability[node] {
            is_cluster[node] = false;
            stability[node] = subtree;
        } else {
            let mut stack = children[node].clone();
            while let Some(c) = stack.pop() {
                is_cluster[c] = false;
                stack.extend_from_slice(&children[c]);
            }
        }
    }
    let selected: Vec<usize> = (n + 1..=max_cluster).filter(|&c| is_cluster[c]).collect();
    let mut label_of = vec![usize::MAX; n_nodes];
    for (label, &c) in selected.iter().enumerate() {
        label_of[c] = label;
    }
    let mut labels = vec![None; n];
    let mut probabilities = vec![0.0; n];
    for p in 0..n {
        // The nearest selected ancestor, if any below the root.
        let mut c = parent_of[p];
        while c != n && c != usize::MAX && !is_cluster[c] {
            c = parent_of[c];
        }
        if c != n && c != usize::MAX {
            labels[p] = Some(label_of[c]);
            let (lambda, max_lambda) = (leave_lambda[p], death[c]);
            probabilities[p] = if max_lambda == 0.0 || lambda.is_infinite() {
                1.0
            } else {
                lambda.min(max_lambda) / max_lambda
            };
        }
    }
    Hdbscan {
        labels,
        probabilities,
        n_clusters: selected.len(),
    }
}

/// The outcome of HDBSCAN: a cluster or noise for every row, and its membership strength.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hdbscan {
    labels: Vec<Option<usize>>,
    probabilities: Vec<f64>,
    n_clusters: usize,
}

impl Hdbscan {
    /// Parameters with this smallest cluster size and `min_samples` equal to it:
    /// `Hdbscan::params(15).fit(&x)`.
    pub fn params(min_cluster_size: usize) -> HdbscanParams {
        HdbscanParams {
            min_cluster_size,
            min_samples: None,
        }
    }

    /// The cluster (`0..n_clusters`) of every row, `None` for noise.
    pub fn labels(&self) -> &[Option<usize>] {
        &self.labels
    }

    /// Labels as scikit-learn writes them: the cluster, or −1 for noise.
    pub fn labels_with_noise_as_minus_one(&self) -> Vec<i64> {
        crate::noise::as_minus_one(&self.labels)
    }

    /// Labels with noise as one more cluster, numbered `n_clusters` (the partition
    /// scikit-learn's metrics see when given labels with −1).
    pub fn labels_with_noise_as_cluster(&self) -> Vec<usize> {
        crate::noise::as_cluster(&self.labels, self.n_clusters)
    }

    /// How strongly each row belongs to its cluster, in [0, 1] (0 for noise).
    pub fn probabilities(&self) -> &[f64] {
        &self.probabilities
    }

    /// Number of clusters found (noise not counted).
    pub fn n_clusters(&self) -> usize {
        self.n_clusters
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make_blobs;
    use crate::metrics::adjusted_rand_score;

    #[test]
    fn finds_blobs_and_calls_far_points_noise() {
        let centres = Matrix::from_rows(&[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]).unwrap();
        let (mut rows, truth) = make_blobs(600, &centres, 0.7, 2).unwrap();
        let mut data = rows.as_slice().to_vec();
        data.extend_from_slice(&[50.0, 50.0, -40.0, 30.0]);
        rows = Matrix::new(data, 602, 2).unwrap();
        let m = Hdbscan::params(10).fit(&rows).unwrap();
        assert_eq!(m.n_clusters(), 3);
        assert_eq!(m.labels()[600], None);
        assert_eq!(m.labels()[601], None);
        assert_eq!(m.probabilities()[600], 0.0);
        let labels = m.labels_with_noise_as_cluster();
        assert!(adjusted_rand_score(&truth, &labels[..600]).unwrap() > 0.95);
        assert!(
            m.probabilities()[..600]
                .iter()
                .all(|&p| (0.0..=1.0).contains(&p))
        );
    }

    #[test]
    fn same_result_whatever_the_thread_count() {
        let centres = Matrix::from_rows(&[[0.0, 0.0], [6.0, 0.0]]).unwrap();
        let (x, _) = make_blobs(3_000, &centres, 1.0, 3).unwrap();
        let fit = || Hdbscan::params(20).fit(&x).unwrap();
        let (one, two) = crate::test_support::one_and_two_threads(fit);
        assert_eq!(one, two);
    }

    #[test]
    fn validation_messages() {
        let x = Matrix::new(vec![0.0f64, 1.0, 2.0], 3, 1).unwrap();
        assert_eq!(
            Hdbscan::params(1).fit(&x).unwrap_err().to_string(),
            "invalid parameter `min_cluster_size` = 1: must be at least 2"
        );
        assert_eq!(
            Hdbscan::params(2)
                .min_samples(0)
                .fit(&x)
                .unwrap_err()
                .to_string(),
            "invalid parameter `min_samples` = 0: must be at least 1"
        );
        assert_eq!(
            Hdbscan::params(5).fit(&x).unwrap_err().to_string(),
            "HDBSCAN with min_samples = 5 needs at least 5 rows; the data has 3"
        );
    }
}
