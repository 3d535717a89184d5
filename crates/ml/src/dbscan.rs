//! DBSCAN (Ester et al. 1996): clusters are the connected groups of core rows (rows with at
//! least `min_samples` rows within `eps`, themselves included) plus the rows within `eps` of
//! them; every other row is noise.
//!
//! Radius queries go through a k-d tree and clusters are merged with a union–find that the
//! threads share. No neighbourhood is kept (non-core rows are searched again for their
//! clusters), so the fit adds O(n) memory to the data (a few bytes per row, the k-d tree and
//! the labels) where scikit-learn stores every neighbourhood. Labels equal scikit-learn's: clusters
//! are numbered in the order of their first core row, and a border row within `eps` of several
//! clusters joins the lowest-numbered one, which is what scikit-learn's depth-first expansion
//! gives.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_positive};
use crate::kdtree::KdTree;
use crate::matrix::{Float, Matrix};
use crate::union_find::SharedUnionFind;

/// DBSCAN parameters as the user gives them; built with [`Dbscan::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbscanParams {
    eps: f64,
    #[serde(default = "default_min_samples")]
    min_samples: usize,
}

fn default_min_samples() -> usize {
    5
}

impl DbscanParams {
    /// Rows within `eps` of a row, itself included, for it to be a core row. Default: 5.
    pub fn min_samples(mut self, min_samples: usize) -> Self {
        self.min_samples = min_samples;
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        check_positive("eps", self.eps)?;
        if self.min_samples < 1 {
            return Err(Error::param(
                "min_samples",
                self.min_samples,
                "must be at least 1",
            ));
        }
        Ok(self)
    }

    /// Checks the parameters and clusters the rows of `x` (Euclidean distance).
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<Dbscan> {
        self.check()?;
        x.check_not_empty("the data")?;
        let n = x.rows();
        let tree = KdTree::new(x);
        // A row is core once `min_samples` neighbours are found: the search stops there.
        let is_core: Vec<bool> = (0..n)
            .into_par_iter()
            .map(|i| {
                let mut found = 0;
                tree.for_each_within(i, self.eps, |_| {
                    found += 1;
                    found < self.min_samples
                });
                found >= self.min_samples
            })
            .collect();
        // Connected components of core rows, every core row searched in parallel. Each
        // component's representative is its first row, whatever the order of the unions.
        let forest = SharedUnionFind::new(n);
        (0..n)
            .into_par_iter()
            .filter(|&i| is_core[i])
            .for_each(|i| {
                tree.for_each_within(i, self.eps, |j| {
                    if j < i && is_core[j] {
                        forest.union(i, j);
                    }
                    true
                });
            });
        // Number components in the order of their first core row.
        let mut labels = vec![None; n];
        let mut n_clusters = 0;
        for i in (0..n).filter(|&i| is_core[i]) {
            let root = forest.find(i);
            labels[i] = if root == i {
                n_clusters += 1;
                Some(n_clusters - 1)
            } else {
                labels[root]
            };
        }
        drop(forest);
        // Border rows join the lowest-numbered cluster among their core neighbours; their
        // neighbourhoods are searched again rather than kept.
        let border: Vec<(usize, usize)> = (0..n)
            .into_par_iter()
            .filter(|&i| !is_core[i])
            .filter_map(|i| {
                let mut label = None;
                tree.for_each_within(i, self.eps, |j| {
                    if let (true, Some(l)) = (is_core[j], labels[j]) {
                        label = Some(label.map_or(l, |m: usize| m.min(l)));
                    }
                    true
                });
                label.map(|label| (i, label))
            })
            .collect();
        for (i, label) in border {
            labels[i] = Some(label);
        }
        Ok(Dbscan {
            labels,
            is_core,
            n_clusters,
        })
    }
}

/// The outcome of DBSCAN: a cluster or noise for every row, and which rows are core rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dbscan {
    labels: Vec<Option<usize>>,
    is_core: Vec<bool>,
    n_clusters: usize,
}

impl Dbscan {
    /// Parameters with radius `eps` and the default `min_samples`:
    /// `Dbscan::params(0.5).min_samples(5).fit(&x)`.
    pub fn params(eps: f64) -> DbscanParams {
        DbscanParams {
            eps,
            min_samples: default_min_samples(),
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

    /// Labels with noise as one more cluster, numbered `n_clusters`: the partition
    /// scikit-learn's metrics see when given labels with −1, so that
    /// `silhouette_score(&x, &model.labels_with_noise_as_cluster())` equals scikit-learn's.
    pub fn labels_with_noise_as_cluster(&self) -> Vec<usize> {
        crate::noise::as_cluster(&self.labels, self.n_clusters)
    }

    /// Whether each row is a core row.
    pub fn is_core(&self) -> &[bool] {
        &self.is_core
    }

    /// Number of clusters found (noise not counted).
    pub fn n_clusters(&self) -> usize {
        self.n_clusters
    }

    /// Number of noise rows.
    pub fn n_noise(&self) -> usize {
        self.labels.iter().filter(|l| l.is_none()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> Matrix<f64> {
        // Two dense runs and an isolated point: 0 1 2 3 | 10 11 12 | 30
        Matrix::new(vec![0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0], 8, 1).unwrap()
    }

    #[test]
    fn clusters_border_rows_and_noise() {
        let m = Dbscan::params(1.0).min_samples(3).fit(&line()).unwrap();
        // Rows 0 and 3 have 2 neighbours (themselves included): border rows of cluster 0.
        assert_eq!(
            m.labels_with_noise_as_minus_one(),
            vec![0, 0, 0, 0, 1, 1, 1, -1]
        );
        assert_eq!(
            m.is_core(),
            &[false, true, true, false, false, true, false, false]
        );
        assert_eq!((m.n_clusters(), m.n_noise()), (2, 1));
        assert_eq!(
            m.labels_with_noise_as_cluster(),
            vec![0, 0, 0, 0, 1, 1, 1, 2]
        );
    }

    #[test]
    fn border_row_joins_the_first_cluster() {
        // Row 8 (x = 1.8) is a border row within eps of core rows of both clusters; it comes
        // last, after both clusters have been numbered.
        let x = Matrix::new(vec![2.7, 3.0, 3.3, 3.6, 0.0, 0.3, 0.6, 0.9, 1.8], 9, 1).unwrap();
        let m = Dbscan::params(1.0).min_samples(4).fit(&x).unwrap();
        assert_eq!(
            m.labels_with_noise_as_minus_one(),
            vec![0, 0, 0, 0, 1, 1, 1, 1, 0]
        );
        assert!(!m.is_core()[8]);
    }

    /// scikit-learn's algorithm as it is written: every neighbourhood stored, then a
    /// depth-first expansion from each unlabelled core row in row order.
    fn naive(x: &Matrix<f64>, eps: f64, min_samples: usize) -> Vec<i64> {
        let n = x.rows();
        let neighbours: Vec<Vec<usize>> = (0..n)
            .map(|i| {
                (0..n)
                    .filter(|&j| {
                        let d: f64 = x
                            .row(i)
                            .iter()
                            .zip(x.row(j))
                            .map(|(a, b)| (a - b) * (a - b))
                            .sum();
                        d <= eps * eps
                    })
                    .collect()
            })
            .collect();
        let core: Vec<bool> = neighbours.iter().map(|v| v.len() >= min_samples).collect();
        let mut labels = vec![-1i64; n];
        let mut next = 0;
        for start in 0..n {
            if labels[start] != -1 || !core[start] {
                continue;
            }
            let mut stack = vec![start];
            while let Some(i) = stack.pop() {
                if labels[i] != -1 {
                    continue;
                }
                labels[i] = next;
                if core[i] {
                    stack.extend(neighbours[i].iter().filter(|&&j| labels[j] == -1));
                }
            }
            next += 1;
        }
        labels
    }

    #[test]
    fn equals_the_naive_algorithm_whatever_the_thread_count() {
        let centres = Matrix::from_rows(&[[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [9.0, 9.0]]).unwrap();
        let (x, _) = crate::make_blobs(3_000, &centres, 1.0, 11).unwrap();
        for (eps, min_samples) in [(0.3, 5), (0.5, 10), (0.2, 3)] {
            let want = naive(&x, eps, min_samples);
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let got = pool.install(|| {
                    Dbscan::params(eps)
                        .min_samples(min_samples)
                        .fit(&x)
                        .unwrap()
                });
                assert_eq!(
                    got.labels_with_noise_as_minus_one(),
                    want,
                    "eps {eps} threads {threads}"
                );
            }
        }
    }

    #[test]
    fn validation_messages() {
        let x = line();
        assert_eq!(
            Dbscan::params(0.0).fit(&x).unwrap_err().to_string(),
            "invalid parameter `eps` = 0: must be a positive finite number"
        );
        assert_eq!(
            Dbscan::params(1.0)
                .min_samples(0)
                .fit(&x)
                .unwrap_err()
                .to_string(),
            "invalid parameter `min_samples` = 0: must be at least 1"
        );
    }
}
