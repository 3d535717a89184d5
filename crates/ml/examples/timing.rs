//! Rough timings of the hot paths on synthetic blobs (not a benchmark suite: no comparison
//! with scikit-learn, nothing asserted).
//!
//! ```text
//! cargo run --release -p cible-ml --example timing -- [rows] [cols] [k]     (default 1000000 16 8)
//! ```
//!
//! By default: k-means (f32, Lloyd, Elkan and Hamerly; whole fit, and from given centroids) and the
//! exact silhouette on 20 000 rows. Environment variables select other runs instead:
//! `LLOYD_ONLY=<iterations>` (Lloyd iterations only), `DBSCAN_EPS=<eps>` (DBSCAN, min_samples
//! 10), `SWEEPS=1` (choosing k over 2..=15, then stability with 100 subsamples),
//! `HDBSCAN=<min_cluster_size>`, `LINKAGE=ward|complete|average|single` (hierarchical
//! clustering), `SKIP_SILHOUETTE=1`
//! (k-means only).

use std::time::Instant;

use cible_ml::metrics::silhouette_score;
use cible_ml::{
    Algorithm, Dbscan, Dendrogram, Hdbscan, Init, KMeans, Linkage, Matrix, StabilityParams,
    make_blobs, select_k,
};

fn main() -> Result<(), cible_ml::Error> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let (rows, cols, k) = (
        args.first().copied().unwrap_or(1_000_000),
        args.get(1).copied().unwrap_or(16),
        args.get(2).copied().unwrap_or(8),
    );
    let centers: Vec<Vec<f64>> = (0..k)
        .map(|c| (0..cols).map(|j| ((c * 7 + j * 3) % 11) as f64).collect())
        .collect();
    let (x, _) = make_blobs(rows, &Matrix::from_rows(&centers)?, 2.0, 1)?;
    let x32 = x.cast::<f32>();
    if let Some(iters) = std::env::var("LLOYD_ONLY")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        // Many iterations from poor initial centroids (the first k rows, all in one blob).
        let init: Vec<Vec<f64>> = (0..k).map(|c| x.row(c).to_vec()).collect();
        let t = Instant::now();
        let m = KMeans::params(k)
            .init(Init::Centroids(init))
            .tol(0.0)
            .max_iter(iters)
            .fit(&x32)?;
        println!(
            "lloyd: {} iterations in {:.1} ms",
            m.n_iter(),
            1e3 * t.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    if let Some(eps) = std::env::var("DBSCAN_EPS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
    {
        let t = Instant::now();
        let m = Dbscan::params(eps).min_samples(10).fit(&x)?;
        println!(
            "dbscan eps {eps} on {rows}x{cols} f64: {:.2} s, {} clusters, {} noise",
            t.elapsed().as_secs_f64(),
            m.n_clusters(),
            m.n_noise()
        );
        return Ok(());
    }
    if let Some(size) = std::env::var("HDBSCAN")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let t = Instant::now();
        let m = Hdbscan::params(size).fit(&x)?;
        println!(
            "hdbscan min_cluster_size {size} on {rows}x{cols} f64: {:.2} s, {} clusters",
            t.elapsed().as_secs_f64(),
            m.n_clusters()
        );
        return Ok(());
    }
    if let Ok(linkage) = std::env::var("LINKAGE") {
        let linkage: Linkage = linkage.parse()?;
        let t = Instant::now();
        let d = Dendrogram::fit(&x, linkage)?;
        println!(
            "{linkage} linkage on {rows}x{cols} f64: {:.2} s, last merge at {:.3}",
            t.elapsed().as_secs_f64(),
            d.merges().last().map_or(0.0, |m| m.height)
        );
        return Ok(());
    }
    if std::env::var_os("SWEEPS").is_some() {
        let t = Instant::now();
        let choice = select_k(&x32, 2..=15, &KMeans::params(2).seed(1))?;
        println!(
            "select_k 2..=15 on {rows}x{cols} f32: {:.2} s, recommended k = {}",
            t.elapsed().as_secs_f64(),
            choice.recommended
        );
        let t = Instant::now();
        let s = StabilityParams::new(KMeans::params(k).seed(1))
            .runs(100)
            .fit(&x32)?;
        println!(
            "stability, 100 subsamples of {rows}x{cols} f32, k = {k}: {:.2} s, mean ARI {:.3}",
            t.elapsed().as_secs_f64(),
            s.mean_ari
        );
        return Ok(());
    }
    let init: Vec<Vec<f64>> = (0..k).map(|c| x.row(c * (rows / k)).to_vec()).collect();
    for algorithm in [Algorithm::Lloyd, Algorithm::Elkan, Algorithm::Hamerly] {
        let t = Instant::now();
        let m = KMeans::params(k).seed(1).algorithm(algorithm).fit(&x32)?;
        let s = t.elapsed().as_secs_f64();
        println!(
            "k-means f32 {rows}x{cols} k={k} {algorithm}: whole fit {:.3} s, {} iterations, inertia {:.6e}",
            s,
            m.n_iter(),
            m.inertia()
        );
        let t = Instant::now();
        KMeans::params(k)
            .seed(1)
            .max_iter(1)
            .algorithm(algorithm)
            .fit(&x32)?;
        println!(
            "  k-means++ and 1 iteration: {:.1} ms",
            1e3 * t.elapsed().as_secs_f64()
        );
        for iters in [1, 21] {
            let t = Instant::now();
            KMeans::params(k)
                .init(Init::Centroids(init.clone()))
                .tol(0.0)
                .max_iter(iters)
                .algorithm(algorithm)
                .fit(&x32)?;
            println!(
                "  {iters} iterations from given centroids: {:.1} ms",
                1e3 * t.elapsed().as_secs_f64()
            );
        }
    }
    if std::env::var_os("SKIP_SILHOUETTE").is_some() {
        return Ok(());
    }
    let n = 20_000.min(rows);
    let sub = x.select_rows(&(0..n).map(|i| i * (rows / n)).collect::<Vec<_>>());
    let labels = KMeans::params(k).fit(&sub)?.labels().to_vec();
    let t = Instant::now();
    let s = silhouette_score(&sub, &labels)?;
    println!(
        "silhouette f64 {n}x{cols}: {:.3} s (score {s:.4})",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
