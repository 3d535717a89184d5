//! Helpers shared by the unit tests.

/// Runs `run` in a pool of one thread, then of two, for tests that results do not depend on
/// the thread count.
pub(crate) fn one_and_two_threads<T: Send>(run: impl Fn() -> T + Send + Sync) -> (T, T) {
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a thread pool")
    };
    (pool(1).install(&run), pool(2).install(&run))
}
