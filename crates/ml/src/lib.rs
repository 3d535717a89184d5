//! cible-ml: cible's numeric core — feature encoding, PCA, clustering, clustering metrics, the
//! choice of k, and supervised propensity models with their metrics, on dense matrices. Pure
//! computation: no I/O, no async, no DataFrame; it builds and tests in seconds and can be used
//! alone.
//!
//! ```
//! use cible_ml::metrics::{adjusted_rand_score, silhouette_score};
//! use cible_ml::{KMeans, Matrix, make_blobs, select_k};
//!
//! // Three well-separated groups of accounts in two features.
//! let centres = Matrix::from_rows(&[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])?;
//! let (x, truth) = make_blobs(300, &centres, 1.0, 7)?;
//!
//! // Fit k-means: parameters, then fit; seeded, so the same on every machine.
//! let model = KMeans::params(3).seed(7).n_init(3).fit(&x)?;
//! assert_eq!(adjusted_rand_score(&truth, model.labels())?, 1.0);
//! assert!(silhouette_score(&x, model.labels())? > 0.8);
//! assert_eq!(model.predict(&x)?, model.labels());
//!
//! // Or let cible choose k, with its reasons.
//! let choice = select_k(&x, 2..=6, &KMeans::params(2).n_init(3))?;
//! assert_eq!(choice.recommended, 3);
//! println!("{}", choice.reasons.join("\n"));
//! # Ok::<(), cible_ml::Error>(())
//! ```
//!
//! # What is here
//!
//! - [`Matrix`]: a dense row-major `f32`/`f64` matrix whose constructors reject NaN and
//!   infinities with the row and column of the first one.
//! - [`KMeans`]: greedy k-means++, `n_init` initialisations, Lloyd or Elkan iterations, sample
//!   weights, `predict`; from the same initial centroids it converges to scikit-learn's
//!   centroids. [`MiniBatchKMeans`] for large or streaming data (`partial_fit`).
//! - [`Dendrogram`]: agglomerative clustering with Ward, complete, average or single
//!   [`Linkage`], the full merge tree and cuts by k or height; Ward and single linkage in
//!   O(n · d) memory.
//! - [`fill_value`] and [`KnnImputer`]: missing values filled by a constant, the mean, the
//!   median, the most frequent value, or the k nearest rows (scikit-learn's `SimpleImputer` and
//!   `KNNImputer`).
//! - [`OutlierDetector`]: the [`Fences`] of ordinary values by IQR, z-score or median
//!   absolute deviation, optionally on a log scale.
//! - [`Dbscan`]: DBSCAN with a k-d tree and a union–find that the threads share, O(n) memory
//!   instead of every neighbourhood, scikit-learn's labels.
//! - [`Hdbscan`]: HDBSCAN (excess-of-mass selection, membership strengths), the spanning tree
//!   by Borůvka's algorithm over a k-d tree, O(n · d) memory;
//!   `predict` places new rows in the clusters found without refitting (the `hdbscan`
//!   package's `approximate_predict`: nearest training row in mutual reachability).
//! - [`KPrototypes`]: k-prototypes (Huang) for mixed numeric and categorical data
//!   ([`MixedData`]: a matrix beside category codes): squared distances plus `gamma` per
//!   categorical mismatch, `gamma` by default as the Python `kmodes` package sets it,
//!   k-prototypes++ initialisation, `n_init`, batch iterations in parallel, `predict`; from the
//!   same initial prototypes it reaches `kmodes`' partition and cost. With only numeric columns
//!   it is k-means, with only categorical ones k-modes.
//! - [`Gower`]: Gower's distance on mixed data (range-normalised numbers, 0/1 categories,
//!   column weights): for a pair, from rows to others in parallel blocks, as a matrix for small
//!   data, and its silhouette streamed in O(n) memory.
//! - [`metrics`]: silhouette (exact, blocked and parallel; per sample, per cluster, sampled),
//!   Calinski–Harabasz, Davies–Bouldin, Dunn, inertia, adjusted Rand index, normalized mutual
//!   information, pair-counting Jaccard; the k-prototypes cost, and the silhouette on any
//!   distance given row by row or as a matrix.
//! - [`select_k`]: k-means over a range of k in parallel, every metric for every k, the elbow
//!   ([`elbow`], Kneedle), the gap statistic (Tibshirani et al. 2001: seeded uniform
//!   reference sets over the data's box or its principal components' box, [`GapReference`],
//!   subsampled to 5 000 rows on large data, compared per row with a held-out correction) and
//!   its rule's k, and a recommended k with its reasons (the silhouette's, with the gap's
//!   choice reported beside it).
//! - [`select_k_prototypes`]: the same for mixed data, k-prototypes over a range of k in
//!   parallel: the cost and its elbow, a silhouette on the k-prototypes dissimilarity
//!   (`√(‖x − y‖² + γ · mismatches)`, sampled on large data) and a recommended k with its
//!   reasons, by the same rule as the k-means sweep.
//! - [`StabilityParams`]: bootstrap or subsample stability of a k-means segmentation: each
//!   segment's mean Jaccard index and the mean adjusted Rand index over runs.
//! - [`Scaler`]: z-score, min–max and robust scaling ([`Scaling`]), equal to scikit-learn's
//!   scalers.
//! - [`Preprocessor`]: a table of accounts ([`Frame`]) to a matrix: numeric columns through
//!   `log1p` or a signed log ([`NumericTransform`]) then a [`Scaling`], categorical ones through
//!   an [`OneHotEncoder`] or an [`OrdinalEncoder`], each column weighted; fitted on one table,
//!   serialized with the model and applied to others. Missing numbers are errors naming the
//!   column and row.
//! - [`Pca`]: principal component analysis, exact (eigendecomposition of the covariance, or SVD
//!   of the centred data when there are fewer rows than columns) or randomized (Halko et al.),
//!   keeping a number of components, a share of the variance or all; whitening, loadings and
//!   scikit-learn's signs; a serializable [`PcaModel`].
//! - [`supervised`]: binary classifiers for propensity scores — regularized
//!   [`LogisticRegression`](supervised::LogisticRegression) (L2, L1, elastic net; Newton and
//!   proximal Newton; odds ratios), a CART [`DecisionTree`](supervised::DecisionTree), a
//!   [`RandomForest`](supervised::RandomForest) and histogram
//!   [`GradientBoosting`](supervised::GradientBoosting) (scikit-learn's
//!   `HistGradientBoostingClassifier`), all with class and sample weights and seeds; one
//!   [`Model`](supervised::Model) type over them with per-row contributions (the reasons of a
//!   score); stratified and time-ordered splits and folds that never train on the future,
//!   cross-validated [`search`](supervised::search) and permutation importance.
//!   Classification metrics are in [`metrics`]: ROC and precision–recall curves, AUC, average
//!   precision, log-loss, Brier score, calibration, the confusion matrix at a threshold chosen
//!   by a rule, gains and lift.
//! - [`profile`]: segment profiles and personas — per segment (overlapping or partial ones
//!   too) every feature's statistics against the population on shared bins, Cohen's d against
//!   the rest, the most distinguishing features, a generated name from persona words, the
//!   rules of a shallow decision tree with their fidelity, and suggested actions from a
//!   documented table of heuristics.
//! - [`make_blobs`]: seeded Gaussian blobs with known clusters.
//!
//! Parameters follow one pattern: `X::params(..)` gives plain, serializable parameters with
//! documented defaults, `check()` validates them with messages such as
//! ``invalid parameter `k` = 1: must be at least 2``, and `fit` checks then runs. Every error
//! is an [`Error`] with structured fields and a [`Error::kind`].
//!
//! Results depend only on the inputs, the parameters and the seed, not on the number of
//! threads: parallel loops work on fixed groups of rows and add partial results in group
//! order. Random draws use ChaCha8 (`rand_chacha`), seeded by the `seed` parameter (default 0).
//!
//! # What the tests cover, and what they do not
//!
//! Reference tests against scikit-learn 1.9 on iris and wine (`../shared/data`; the values
//! are computed by `tests/reference/make_reference.py` and stored beside it):
//!
//! - silhouette (score and every sample), Calinski–Harabasz, Davies–Bouldin, inertia, ARI and
//!   NMI to 1e-9 (observed differences are below 1e-12);
//! - k-means from scikit-learn's initial centroids (Lloyd and Elkan, with and without
//!   weights): the same labels and number of iterations, centroids and inertia to 1e-9;
//! - hierarchical clustering, each linkage: the same merge heights (to 1e-9) and the same
//!   partitions for k = 2..6;
//! - DBSCAN: identical labels and core rows for eight settings (one with pairs exactly at
//!   `eps`), and their silhouette with noise as a cluster;
//! - HDBSCAN: labels and membership strengths identical to scikit-learn's own steps with its
//!   spanning tree sorted stably. `HDBSCAN.fit` sorts with numpy's unstable sort, so where
//!   equal-weight edges decide (wine with `min_cluster_size` 10 and 20) its labels differ
//!   from both; the test prints that agreement;
//! - the gap statistic: with scikit-learn's initial centroids its `log W_k` is the log of
//!   scikit-learn's inertia (to 1e-9); against a Python computation with numpy's reference
//!   draws and scikit-learn's k-means (`tests/reference/make_gap_reference.py`, 100 reference
//!   sets; iris and wine, both reference boxes, k = 2..8), the mean reference log-inertia
//!   agrees within four standard errors of the two Monte Carlo estimates;
//! - HDBSCAN's `predict` against the `hdbscan` package's `approximate_predict`
//!   (`tests/reference/make_hdbscan_predict_reference.py`: blobs with background rows, 250
//!   new rows): the fits are identical, and at most 2 % of the new rows may be labelled
//!   differently (its prediction data take core distances one neighbour short); strengths are
//!   not compared, as `hdbscan` does not cap a new row's λ at its neighbour's;
//! - the three scalers: centres, scales and values to 1e-9;
//! - PCA (`svd_solver="full"`) of raw and z-scored iris and wine, keeping all, 3 and 85 % of
//!   the variance, and whitened: the number kept, explained variances and their ratios,
//!   singular values, signed components and transformed rows to 1e-9 relative to the largest
//!   value (observed below 5e-12; each explained variance relative to itself below 3e-12);
//! - k-prototypes against the Python `kmodes` package 0.12.2 (`KPrototypes` from the same
//!   initial prototypes, `tests/reference/make_kprototypes_reference.py`, three cases on 150
//!   mixed rows): the default `gamma` to 1e-12, the cost of `kmodes`' labelling by the initial
//!   prototypes, and after fitting identical labels and modes, cost and numeric prototypes to
//!   1e-9;
//! - on a small table of accounts: one-hot (unknown categories ignored, with and without
//!   `drop_first`) and ordinal encodings (sorted and given order) identical, and a
//!   `ColumnTransformer` (log1p then z-score, one-hot, ordinal, weights) to 1e-9 (observed
//!   9e-16).
//!
//! - logistic regression on wine turned binary (class 1 against the others;
//!   `tests/reference/make_scoring_reference.py`): L2 with and without balanced class weights,
//!   L1 and elastic net on z-scored features, L2 on raw features — coefficients, intercepts
//!   and probabilities to 1e-4 (observed below 6e-12), the same coefficients exactly zero
//!   under L1; AUC, average precision, log-loss, Brier score, the ROC curve's points and the
//!   calibration curve (5 and 10 bins) on scores with and without ties, to 1e-12;
//! - trees (`tests/reference/make_trees_reference.py`, wine and iris turned binary): the
//!   decision tree's probabilities and importances equal `DecisionTreeClassifier`'s to 1e-12
//!   where no split ties (ties are broken by scikit-learn's random feature order), the boosted
//!   trees' probabilities equal `HistGradientBoostingClassifier`'s (observed 2.2e-16), the
//!   forest's held-out AUC is compared with scikit-learn's.
//!
//! Differential tests: Elkan equals Lloyd; DBSCAN equals a naive transcription of
//! scikit-learn's algorithm on 3 000 rows; HDBSCAN's core distances equal a brute-force search,
//! and its Borůvka spanning tree has the weights of Prim's (blobs, and integer coordinates
//! full of ties); randomized PCA equals exact PCA (wine's top 3
//! components to 1e-6 from two oversamples and 30 power iterations, observed 3e-11; a low-rank
//! 2 000 × 120 matrix to 1e-9); the covariance and SVD solvers agree. Properties: `predict`
//! reproduces the fit's labels; the same seed gives the same result with 1 and 2 threads
//! (k-means, mini-batch, k-prototypes, DBSCAN, HDBSCAN, hierarchical clustering, choosing k for
//! k-means and k-prototypes, stability, PCA, Gower's sampled silhouette); a fitted preprocessor
//! or PCA model saved as JSON and read back gives identical output; integer weights equal
//! repeated rows; more initialisations never increase inertia; a constant column changes
//! nothing; `select_k` and the gap rule find 3, 4 and 6 blobs (the gap also over principal
//! components and with subsampled references); reference sets of a tenth of the data's rows
//! estimate the same mean log-dispersion as sets of its size (their per-row correction by hand,
//! too); the gap and its error by hand on a tiny case; reference draws stay in their box;
//! HDBSCAN finds blobs and calls far points noise, its `predict` gives every training row its
//! own label and strength and places new rows near a centre in that cluster and far ones in
//! noise; the k-d tree's nearest neighbours equal a brute-force search, ties included;
//! stability tells the right k from too many clusters; k-prototypes finds planted mixed
//! clusters (ARI 1), separates groups by their categories alone, and choosing k for it finds 4
//! planted mixed groups and 3 groups only categories separate (its silhouette equals the
//! Euclidean one without categories, and a hand computation with them), equals k-means from the
//! same centroids with only numeric columns (labels, cost = inertia) and reaches the
//! brute-force optimum of k-modes with only categorical ones; Gower's distance against
//! hand-computed values, its blocked matrix against its pairs, and its streamed silhouette
//! against the one of the matrix. Every validation rule has a test of its exact message.
//!
//! Not covered: k-means++, mini-batch, resampling, randomized-PCA and gap reference draws are
//! not scikit-learn's or numpy's (different random generators), so only their quality is
//! tested, not their values; the gap rule's k is not compared with Python's (on iris it
//! hinges on differences smaller than the estimates' errors); k-prototypes is compared with
//! `kmodes` from given prototypes only (its own Huang and Cao initialisations are not
//! implemented, and its online iterations can stop in other local minima than cible's batch
//! ones on data without a clear structure); a missing category is a
//! category like any other (`(missing)`, sorted with the rest), where scikit-learn puts
//! missing values last; the sampled silhouette is tested for determinism, not against
//! scikit-learn's sample; speed and memory are measured (`examples/timing.rs` for a quick
//! look), never asserted; data larger than a few tens of thousands of rows is not exercised by
//! the tests.

mod blobs;
mod boruvka;
mod dbscan;
mod encode;
mod error;
mod gap;
mod gower;
mod hdbscan;
mod hierarchical;
mod impute;
mod kdtree;
mod kmeans;
mod kprototypes;
mod matrix;
pub mod metrics;
mod mixed;
mod mst;
mod noise;
mod outliers;
mod pca;
pub mod profile;
mod scale;
mod select_k;
mod select_kprototypes;
mod simd;
mod stability;
pub mod supervised;
#[cfg(test)]
mod test_support;
mod union_find;

pub use blobs::make_blobs;
pub use dbscan::{Dbscan, DbscanParams};
pub use encode::{
    Column, ColumnSpec, Encoding, Frame, HandleUnknown, MISSING, NumericParams, NumericTransform,
    OneHotEncoder, OneHotParams, OrdinalEncoder, OrdinalParams, OrdinalUnknown, Preprocessor,
    PreprocessorParams,
};
pub use error::{Error, ErrorKind, Result, ValueProblem};
pub use gap::GapReference;
pub use gower::{Gower, GowerParams};
pub use hdbscan::{Hdbscan, HdbscanParams};
pub use hierarchical::{Dendrogram, Linkage, Merge};
pub use impute::{FillStrategy, KnnImputer, fill_value, most_frequent};
pub use kmeans::{
    Algorithm, Init, KMeans, KMeansParams, KMeansValidParams, MiniBatchKMeans,
    MiniBatchKMeansParams,
};
pub use kprototypes::{
    KPrototypes, KPrototypesParams, KPrototypesValidParams, PrototypeInit, default_gamma,
};
pub use matrix::{Float, Matrix};
pub use mixed::{MAX_CATEGORY_CODE, MixedData};
pub use outliers::{Fences, MAD_TO_SIGMA, OutlierDetector, OutlierMethod, symexp, symlog};
pub use pca::{NComponents, Pca, PcaModel, PcaParams, PcaSolver};
pub use scale::{Scaler, Scaling};
pub use select_k::{
    GapSummary, KScore, KSelection, SILHOUETTE_TIE, SelectKParams, elbow, select_k,
};
pub use select_kprototypes::{
    KPrototypesScore, KPrototypesSelection, SelectKPrototypesParams, select_k_prototypes,
};
pub use stability::{ClusterStability, Resampling, Stability, StabilityParams};
