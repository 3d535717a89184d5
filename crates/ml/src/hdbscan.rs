//! HDBSCAN (Campello, Moulavi & Sander 2013), as scikit-learn's `HDBSCAN` computes it with its
//! defaults (excess-of-mass selection, no single cluster, no epsilon): core distances from a
//! k-d tree, a minimum spanning tree of the mutual reachability graph by Borůvka's algorithm
//! over the same k-d tree (O(n · d) memory, parallel; scikit-learn's Prim's tree, or another of
//! the same weights where equal weights leave a choice), the single-linkage tree, the condensed
//! tree, and the most stable clusters. Rows outside every selected cluster are noise; each row also gets
//! a membership strength in [0, 1].
//!
//! The fitted model keeps a copy of the training rows, their core distances and the condensed
//! tree's clusters, so that [`Hdbscan::predict`] can place new rows in the clusters found
//! without refitting, as the `hdbscan` package's `approximate_predict` does (scikit-learn's
//! `HDBSCAN` has no `predict`).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::boruvka::MutualReachability;
use crate::error::{Error, Result};
use crate::kdtree::KdTree;
use crate::matrix::{Float, Matrix};

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
        let data: Matrix<f64> = x.cast();
        if n == 1 {
            return Ok(Hdbscan {
                labels: vec![None],
                probabilities: vec![0.0],
                n_clusters: 0,
                tree: CondensedClusters::default(),
                training: Training {
                    data,
                    min_samples,
                    core: vec![0.0],
                },
            });
        }
        let tree = KdTree::new(x);
        let graph = MutualReachability::new(&tree, min_samples);
        // The tree of the mutual reachability graph `max(core[a], core[b], ‖a − b‖)`, its edges
        // in the order of scikit-learn's `mst_from_data_matrix` (Prim's), stably sorted.
        let mut mst = graph.minimum_spanning_tree();
        let core = graph.core_distances();
        drop(graph);
        mst.sort_by(|a, b| a.2.total_cmp(&b.2));
        let linkage = single_linkage(n, &mst);
        let condensed = condense(n, &linkage, self.min_cluster_size);
        let (labels, probabilities, tree) = select(n, &condensed);
        Ok(Hdbscan {
            labels,
            probabilities,
            n_clusters: tree.max_lambda.len(),
            tree,
            training: Training {
                data,
                min_samples,
                core,
            },
        })
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
/// membership strengths (scikit-learn's `_get_clusters` with its defaults), and what
/// [`Hdbscan::predict`] needs of the condensed tree.
fn select(n: usize, condensed: &[Condensed]) -> (Vec<Option<usize>>, Vec<f64>, CondensedClusters) {
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
    // Each cluster's label: its own, or its nearest selected ancestor's below the root.
    let cluster_label: Vec<Option<usize>> = (n..=max_cluster)
        .map(|mut c| {
            while c != n && c != usize::MAX && !is_cluster[c] {
                c = parent_of[c];
            }
            (c != n && c != usize::MAX).then(|| label_of[c])
        })
        .collect();
    let max_lambda: Vec<f64> = selected.iter().map(|&c| death[c]).collect();
    let mut labels = vec![None; n];
    let mut probabilities = vec![0.0; n];
    for p in 0..n {
        if parent_of[p] == usize::MAX {
            continue;
        }
        if let Some(label) = cluster_label[parent_of[p] - n] {
            labels[p] = Some(label);
            probabilities[p] = membership(leave_lambda[p], max_lambda[label]);
        }
    }
    let tree = CondensedClusters {
        row_cluster: (0..n)
            .map(|p| match parent_of[p] {
                usize::MAX => 0,
                c => c - n,
            })
            .collect(),
        row_lambda: leave_lambda[..n].to_vec(),
        parent: (n..=max_cluster)
            .map(|c| if c == n { usize::MAX } else { parent_of[c] - n })
            .collect(),
        birth: birth[n..=max_cluster].to_vec(),
        label: cluster_label,
        max_lambda,
    };
    (labels, probabilities, tree)
}

/// How strongly a row that leaves its cluster at `lambda` belongs to a selected cluster whose
/// rows leave it by `max_lambda` at the latest.
fn membership(lambda: f64, max_lambda: f64) -> f64 {
    if max_lambda == 0.0 || lambda.is_infinite() {
        1.0
    } else {
        lambda.min(max_lambda) / max_lambda
    }
}

/// The clusters of the condensed tree (index 0 is the root, whose rows are noise), as
/// [`Hdbscan::predict`] walks them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
struct CondensedClusters {
    /// The cluster each training row falls out of, and at which lambda.
    row_cluster: Vec<usize>,
    row_lambda: Vec<f64>,
    /// Each cluster's parent (`usize::MAX` for the root) and the lambda where it appears.
    parent: Vec<usize>,
    birth: Vec<f64>,
    /// The selected cluster each cluster belongs to (itself or an ancestor), if any.
    label: Vec<Option<usize>>,
    /// Per selected cluster: the largest lambda at which a row leaves it.
    max_lambda: Vec<f64>,
}

/// The training rows as [`Hdbscan::predict`] needs them.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Training {
    data: Matrix<f64>,
    min_samples: usize,
    /// Each row's core distance.
    core: Vec<f64>,
}

/// The outcome of HDBSCAN: a cluster or noise for every row, and its membership strength;
/// new rows are placed with [`Hdbscan::predict`].
///
/// It holds a copy of the training rows (in `f64`) for `predict`, so it takes `n · d · 8`
/// bytes plus `O(n)`, and so does its serialized form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hdbscan {
    labels: Vec<Option<usize>>,
    probabilities: Vec<f64>,
    n_clusters: usize,
    tree: CondensedClusters,
    training: Training,
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

    /// The cluster (or noise) and membership strength of every row of `x`, without refitting:
    /// the `hdbscan` package's `approximate_predict`. For each new row, its `2 · min_samples`
    /// nearest training rows (k-d tree), its core distance (to its `min_samples`-th nearest
    /// training row, the training rows' own definition), and its mutual reachability to each
    /// of them; it attaches to the nearest in mutual reachability, at `λ = 1 / that
    /// distance`. If that is below the λ where the neighbour leaves its cluster and the
    /// cluster appears only above λ, the row climbs to the ancestor cluster alive at λ. The
    /// row gets the label of that cluster's selected cluster (noise if there is none: the
    /// root or an unselected ancestor), with strength `min(λ, λ_j, λ_max) / λ_max`, where
    /// `λ_j` is the neighbour's λ and `λ_max` the largest λ of the selected cluster, as in the
    /// fit.
    ///
    /// A training row predicts to its own label and strength (barring exact duplicates of it,
    /// which may be attached instead). Labels follow `hdbscan`'s rule; its strengths leave out
    /// the cap at `λ_j`, so that there a new row near a peripheral training row gets a higher
    /// strength than that row, and training rows do not get theirs back. Rebuilds the k-d tree over the training rows on each call
    /// (O(n log n)): predict rows in batches. Rows are processed in parallel.
    pub fn predict<F: Float>(&self, x: &Matrix<F>) -> Result<(Vec<Option<usize>>, Vec<f64>)> {
        let training = &self.training;
        if x.cols() != training.data.cols() {
            return Err(Error::ColumnMismatch {
                what: "the new data",
                expected: training.data.cols(),
                found: x.cols(),
            });
        }
        if self.n_clusters == 0 {
            return Ok((vec![None; x.rows()], vec![0.0; x.rows()]));
        }
        let kdtree = KdTree::new(&training.data);
        let k = (2 * training.min_samples).min(training.data.rows());
        Ok((0..x.rows())
            .into_par_iter()
            .map(|i| {
                let p: Vec<f64> = x.row(i).iter().map(|v| v.to_f64()).collect();
                let neighbours = kdtree.nearest(&p, k);
                let core = neighbours[training.min_samples - 1].0.sqrt();
                // Ties go to the nearer neighbour (then the smaller row): a training row picks
                // itself.
                let (reach, j) = neighbours
                    .iter()
                    .map(|&(d2, j)| (d2.sqrt().max(core).max(training.core[j]), j))
                    .fold((f64::INFINITY, usize::MAX), |best, c| {
                        if c.0 < best.0 { c } else { best }
                    });
                let lambda = if reach > 0.0 {
                    1.0 / reach
                } else {
                    f64::INFINITY
                };
                self.place(j, lambda)
            })
            .unzip())
    }

    /// The label and strength of a new row attached to training row `j` at `lambda`.
    fn place(&self, j: usize, lambda: f64) -> (Option<usize>, f64) {
        let tree = &self.tree;
        let mut cluster = tree.row_cluster[j];
        if lambda < tree.row_lambda[j] {
            // Joining below the λ where the neighbour leaves its cluster: climb to the
            // cluster alive at λ.
            while cluster != 0 && tree.birth[cluster] >= lambda {
                cluster = tree.parent[cluster];
            }
        }
        let lambda = lambda.min(tree.row_lambda[j]);
        match tree.label[cluster] {
            Some(label) => (Some(label), membership(lambda, tree.max_lambda[label])),
            None => (None, 0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make_blobs;
    use crate::matrix::distance_f64;
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
        let (new, _) = make_blobs(500, &centres, 2.0, 4).unwrap();
        let fit = || {
            let m = Hdbscan::params(20).fit(&x).unwrap();
            let predicted = m.predict(&new).unwrap();
            (m, predicted)
        };
        let (one, two) = crate::test_support::one_and_two_threads(fit);
        assert_eq!(one, two);
    }

    /// Three blobs of 200 rows around (0, 0), (10, 0) and (0, 10), and two far rows.
    fn blobs_and_outliers() -> Matrix<f64> {
        let centres = Matrix::from_rows(&[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]).unwrap();
        let (rows, _) = make_blobs(600, &centres, 0.7, 2).unwrap();
        let mut data = rows.as_slice().to_vec();
        data.extend_from_slice(&[50.0, 50.0, -40.0, 30.0]);
        Matrix::new(data, 602, 2).unwrap()
    }

    #[test]
    fn predicting_the_training_rows_reproduces_the_fit() {
        let x = blobs_and_outliers();
        for (size, samples) in [(10, 10), (10, 3), (40, 5), (5, 15)] {
            let m = Hdbscan::params(size).min_samples(samples).fit(&x).unwrap();
            let (labels, probabilities) = m.predict(&x).unwrap();
            assert_eq!(labels, m.labels(), "{size} {samples}");
            assert_eq!(probabilities, m.probabilities(), "{size} {samples}");
            // In f32 too: the model keeps the rows exactly.
            let x32: Matrix<f32> = x.cast();
            let m32 = Hdbscan::params(size)
                .min_samples(samples)
                .fit(&x32)
                .unwrap();
            assert_eq!(m32.predict(&x32).unwrap().0, m32.labels());
        }
    }

    #[test]
    fn new_rows_near_a_centre_join_its_cluster_and_far_rows_are_noise() {
        let x = blobs_and_outliers();
        let m = Hdbscan::params(10).fit(&x).unwrap();
        assert_eq!(m.n_clusters(), 3);
        let new = Matrix::from_rows(&[
            [0.1, -0.2],
            [10.2, 0.1],
            [-0.3, 9.9],
            [200.0, -200.0],
            [25.0, 25.0],
        ])
        .unwrap();
        let (labels, probabilities) = m.predict(&new).unwrap();
        // The training rows nearest to each centre carry the cluster's label.
        let label_near = |c: [f64; 2]| {
            let nearest = (0..600)
                .min_by(|&a, &b| {
                    let d = |i: usize| distance_f64(x.row(i), &c[..]);
                    d(a).total_cmp(&d(b))
                })
                .unwrap();
            m.labels()[nearest]
        };
        assert_eq!(labels[0], label_near([0.0, 0.0]));
        assert_eq!(labels[1], label_near([10.0, 0.0]));
        assert_eq!(labels[2], label_near([0.0, 10.0]));
        assert!(labels[..3].iter().all(Option::is_some));
        assert!(
            probabilities[..3].iter().all(|&p| p > 0.5),
            "{probabilities:?}"
        );
        assert_eq!(labels[3..], [None, None]);
        assert_eq!(probabilities[3..], [0.0, 0.0]);
        assert_eq!(m.predict(&x.select_rows(&[])).unwrap(), (vec![], vec![]));
    }

    #[test]
    fn predicting_without_clusters_gives_noise() {
        let x = Matrix::new(vec![1.0f64, 2.0], 1, 2).unwrap();
        let m = Hdbscan::params(2).min_samples(1).fit(&x).unwrap();
        assert_eq!(m.n_clusters(), 0);
        let new = Matrix::new(vec![1.0f64, 2.0, 3.0, 4.0], 2, 2).unwrap();
        assert_eq!(m.predict(&new).unwrap(), (vec![None, None], vec![0.0, 0.0]));
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
        let m = Hdbscan::params(2).fit(&x).unwrap();
        let wide = Matrix::new(vec![0.0f64, 1.0], 1, 2).unwrap();
        assert_eq!(
            m.predict(&wide).unwrap_err().to_string(),
            "the new data has 2 columns but 1 were expected"
        );
    }
}
