//! Stability of a k-means segmentation under resampling (Hennig 2007): re-cluster resampled
//! data many times and measure how well each segment is found again (Jaccard) and how well
//! the whole partition is (adjusted Rand index).

use rand::Rng;
use rand::SeedableRng;
use rand::seq::index::sample;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kmeans::KMeansParams;
use crate::matrix::{Float, Matrix};
use crate::metrics::adjusted_rand_score;

/// How each run's data are drawn from the rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resampling {
    /// n rows drawn with replacement (a row drawn m times weighs m).
    Bootstrap,
    /// This fraction of the rows drawn without replacement.
    Subsample {
        /// Share of the rows kept, in (0, 1].
        fraction: f64,
    },
}

impl Default for Resampling {
    fn default() -> Self {
        Resampling::Subsample { fraction: 0.8 }
    }
}

/// Parameters of [`StabilityParams::fit`]: the k-means parameters of the segmentation, the
/// number of runs and how their data are drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityParams {
    kmeans: KMeansParams,
    #[serde(default = "default_runs")]
    runs: usize,
    #[serde(default)]
    resampling: Resampling,
}

fn default_runs() -> usize {
    100
}

impl StabilityParams {
    /// Stability of the segmentation that `kmeans` gives, with 100 runs on 80 % subsamples.
    pub fn new(kmeans: KMeansParams) -> Self {
        StabilityParams {
            kmeans,
            runs: default_runs(),
            resampling: Resampling::default(),
        }
    }

    /// Number of resampled runs. Default: 100.
    pub fn runs(mut self, runs: usize) -> Self {
        self.runs = runs;
        self
    }

    /// How each run's data are drawn. Default: subsamples of 80 % of the rows.
    pub fn resampling(mut self, resampling: Resampling) -> Self {
        self.resampling = resampling;
        self
    }

    /// Validates the parameters.
    pub fn check(&self) -> Result<&Self> {
        if self.runs < 1 {
            return Err(Error::param("runs", self.runs, "must be at least 1"));
        }
        if let Resampling::Subsample { fraction } = self.resampling
            && !(fraction > 0.0 && fraction <= 1.0)
        {
            return Err(Error::param("fraction", fraction, "must be in (0, 1]"));
        }
        self.kmeans.check()?;
        Ok(self)
    }

    /// Fits the segmentation on all rows, then re-fits it `runs` times on resampled rows.
    ///
    /// Each run's model labels every row (rows left out of the run included), and each
    /// segment's Jaccard index is taken against the run's most similar cluster. Runs are
    /// seeded from the k-means seed, so the result is reproducible; runs are sequential, each
    /// fit parallel inside, which bounds memory to one fit at a time.
    pub fn fit<F: Float>(&self, x: &Matrix<F>) -> Result<Stability> {
        self.check()?;
        let reference = self.kmeans.fit(x)?;
        self.fit_around(x, reference.labels())
    }

    /// Re-fits the segmentation `runs` times on resampled rows and measures the stability of
    /// `labels`, the segmentation these k-means parameters found on all rows of `x` (a fit
    /// the caller already has), as [`fit`](Self::fit) does.
    pub fn fit_around<F: Float>(&self, x: &Matrix<F>, labels: &[usize]) -> Result<Stability> {
        self.check()?;
        if labels.len() != x.rows() {
            return Err(Error::param(
                "labels",
                labels.len(),
                "must have one label per row of the data",
            ));
        }
        let k = labels.iter().max().map_or(0, |m| m + 1);
        let n = x.rows();
        let mut sizes = vec![0usize; k];
        for &l in labels {
            sizes[l] += 1;
        }
        let seed = self.kmeans.seed_value();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(u64::MAX);
        let mut jaccard = vec![Vec::with_capacity(self.runs); k];
        let mut ari = Vec::with_capacity(self.runs);
        for run in 0..self.runs {
            let weights = self.draw(&mut rng, n);
            let drawn = weights.iter().filter(|&&w| w > 0.0).count();
            if drawn < k {
                return Err(Error::TooFewRows {
                    what: format!("a resampled run ({drawn} distinct rows drawn) with k = {k}"),
                    needed: k,
                    rows: drawn,
                });
            }
            let params = self.kmeans.clone().seed(seed.wrapping_add(run as u64 + 1));
            let model = params.fit_weighted(x, &weights)?;
            ari.push(adjusted_rand_score(labels, model.labels())?);
            let mut overlap = vec![0usize; k * k];
            let mut run_sizes = vec![0usize; k];
            for (&a, &b) in labels.iter().zip(model.labels()) {
                overlap[a * k + b] += 1;
                run_sizes[b] += 1;
            }
            for (c, values) in jaccard.iter_mut().enumerate() {
                let best = (0..k)
                    .map(|d| {
                        let both = overlap[c * k + d];
                        let union = sizes[c] + run_sizes[d] - both;
                        if union == 0 {
                            0.0
                        } else {
                            both as f64 / union as f64
                        }
                    })
                    .fold(0.0, f64::max);
                values.push(best);
            }
        }
        let per_cluster = jaccard
            .iter()
            .enumerate()
            .map(|(label, values)| ClusterStability {
                label,
                size: sizes[label],
                mean_jaccard: values.iter().sum::<f64>() / values.len() as f64,
                dissolved: values.iter().filter(|&&v| v < 0.5).count() as f64 / values.len() as f64,
            })
            .collect();
        Ok(Stability {
            labels: labels.to_vec(),
            per_cluster,
            mean_ari: ari.iter().sum::<f64>() / ari.len() as f64,
            ari,
        })
    }

    /// The weight of every row in one run.
    fn draw(&self, rng: &mut ChaCha8Rng, n: usize) -> Vec<f64> {
        let mut weights = vec![0.0; n];
        match self.resampling {
            Resampling::Bootstrap => {
                for _ in 0..n {
                    weights[rng.random_range(0..n)] += 1.0;
                }
            }
            Resampling::Subsample { fraction } => {
                let m = ((fraction * n as f64).round() as usize).clamp(1, n);
                for i in sample(rng, n, m) {
                    weights[i] = 1.0;
                }
            }
        }
        weights
    }
}

/// How stable each segment and the whole segmentation are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    /// The segmentation on all rows whose stability is measured.
    pub labels: Vec<usize>,
    /// One entry per segment, in label order.
    pub per_cluster: Vec<ClusterStability>,
    /// Adjusted Rand index between the segmentation and each run's, in run order.
    pub ari: Vec<f64>,
    /// Mean of [`Stability::ari`].
    pub mean_ari: f64,
}

/// How stable one segment is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterStability {
    /// The segment's label.
    pub label: usize,
    /// Rows in the segment.
    pub size: usize,
    /// Mean over runs of the Jaccard index between the segment and the run's most similar
    /// cluster. Hennig's reading: below 0.6 the segment is not meaningful, above 0.75 it is
    /// stable, above 0.85 highly stable.
    pub mean_jaccard: f64,
    /// Share of runs where that Jaccard index fell below 0.5 (the segment "dissolved").
    pub dissolved: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KMeans, make_blobs};

    fn three_blobs() -> Matrix<f64> {
        let c = Matrix::from_rows(&[[0.0, 0.0], [12.0, 0.0], [0.0, 12.0]]).unwrap();
        make_blobs(900, &c, 1.0, 3).unwrap().0
    }

    #[test]
    fn measuring_around_a_fit_already_made_is_the_same_as_fitting() {
        let x = three_blobs();
        let params = StabilityParams::new(KMeans::params(3).seed(4)).runs(5);
        let labels = KMeans::params(3).seed(4).fit(&x).unwrap().labels().to_vec();
        assert_eq!(
            params.fit_around(&x, &labels).unwrap(),
            params.fit(&x).unwrap()
        );
        assert!(params.fit_around(&x, &labels[1..]).is_err());
    }

    #[test]
    fn the_right_k_is_stable_and_too_many_clusters_are_not() {
        let x = three_blobs();
        for resampling in [
            Resampling::Bootstrap,
            Resampling::Subsample { fraction: 0.7 },
        ] {
            let good = StabilityParams::new(KMeans::params(3).seed(1))
                .runs(20)
                .resampling(resampling)
                .fit(&x)
                .unwrap();
            assert!(good.mean_ari > 0.99, "{good:?}");
            assert!(
                good.per_cluster
                    .iter()
                    .all(|c| c.mean_jaccard > 0.99 && c.dissolved == 0.0)
            );
            assert_eq!(good.per_cluster.iter().map(|c| c.size).sum::<usize>(), 900);
            let bad = StabilityParams::new(KMeans::params(7).seed(1))
                .runs(20)
                .resampling(resampling)
                .fit(&x)
                .unwrap();
            let worst = bad
                .per_cluster
                .iter()
                .map(|c| c.mean_jaccard)
                .fold(1.0, f64::min);
            assert!(worst < 0.9 && bad.mean_ari < good.mean_ari, "{bad:?}");
        }
    }

    #[test]
    fn reproducible_whatever_the_thread_count() {
        let x = three_blobs();
        let run = || {
            StabilityParams::new(KMeans::params(4).seed(2))
                .runs(5)
                .fit(&x)
                .unwrap()
        };
        let (one, two) = crate::test_support::one_and_two_threads(run);
        assert_eq!(one, two);
    }

    #[test]
    fn validation_messages() {
        let x = three_blobs();
        let p = StabilityParams::new(KMeans::params(3));
        assert_eq!(
            p.clone().runs(0).fit(&x).unwrap_err().to_string(),
            "invalid parameter `runs` = 0: must be at least 1"
        );
        assert_eq!(
            p.clone()
                .resampling(Resampling::Subsample { fraction: 1.5 })
                .fit(&x)
                .unwrap_err()
                .to_string(),
            "invalid parameter `fraction` = 1.5: must be in (0, 1]"
        );
        let tiny = Matrix::new(vec![0.0, 1.0, 2.0, 3.0], 4, 1).unwrap();
        assert_eq!(
            p.resampling(Resampling::Subsample { fraction: 0.3 })
                .fit(&tiny)
                .unwrap_err()
                .to_string(),
            "a resampled run (1 distinct rows drawn) with k = 3 needs at least 3 rows; the data has 1"
        );
    }
}
