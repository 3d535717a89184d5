//! Hot loops compiled twice: once for any x86-64 processor and once for those with AVX2 and
//! FMA, chosen at run time, so that one binary runs everywhere and uses the wide registers and
//! fused multiply–add where the processor has them.
//!
//! A hot loop is written once, generic over `const FMA: bool`, in a [`Kernel`] whose `run` is
//! `#[inline(always)]`: [`run`] inlines it into a function compiled for AVX2 and FMA when the
//! processor has them, where fixed-size lane arrays (`[F; 8]`) become 256-bit registers. The
//! two versions may round differently (a fused multiply–add rounds once), so a result can
//! differ in its last bits between processors, never between runs or thread counts on one.

use crate::matrix::Float;

/// A hot loop, compiled for the processor's widest supported instruction set by [`run`].
pub(crate) trait Kernel {
    /// What the loop returns.
    type Output;

    /// The loop. Implementations must be `#[inline(always)]` so that they are compiled with
    /// the caller's instruction set. `FMA` says whether [`mul_add`] is one instruction.
    fn run<const FMA: bool>(self) -> Self::Output;

    /// The loop on a processor with AVX2 and FMA, where a kernel may use the vector
    /// instructions of [`Avx2`] directly; by default [`Kernel::run`] with `FMA`. Must be
    /// `#[inline(always)]` too.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn run_avx2(self, _avx2: Avx2) -> Self::Output
    where
        Self: Sized,
    {
        self.run::<true>()
    }
}

/// Runs `kernel` with AVX2 and FMA when the processor has them, else for baseline x86-64.
pub(crate) fn run<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // The crate's only unsafe code: calling a function compiled for AVX2 and FMA.
        // SAFETY: the processor supports AVX2 and FMA, as just checked.
        #[allow(unsafe_code)]
        return unsafe { run_avx2_fma(kernel) };
    }
    kernel.run::<false>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2_fma<K: Kernel>(kernel: K) -> K::Output {
    kernel.run_avx2(Avx2(()))
}

#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::{Avx2, Lanes, prefetch, transpose};

/// Eight lanes of `f32` or `f64` in AVX2 registers, as safe functions that take a token
/// proving the processor has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use std::arch::x86_64::*;

    use crate::matrix::Float;

    /// Proof that the processor has AVX2 and FMA: only [`super::run`] makes one, after
    /// checking. The functions that take it are `#[inline(always)]`, so that they are
    /// compiled inside the kernel, which `run` compiles for AVX2 and FMA.
    #[derive(Clone, Copy)]
    pub(crate) struct Avx2(pub(super) ());

    /// Eight lanes of a float type in AVX2 registers (one for `f32`, two for `f64`).
    pub(crate) trait Lanes: Float {
        /// The eight lanes.
        type V: Copy;
        /// `[v; 8]`.
        fn splat(avx2: Avx2, v: Self) -> Self::V;
        /// The eight values of `a`.
        fn load(avx2: Avx2, a: &[Self; 8]) -> Self::V;
        /// Writes `v` into `out`.
        fn store(avx2: Avx2, v: Self::V, out: &mut [Self; 8]);
        /// `a × b + c` per lane, rounded once.
        fn fmadd(avx2: Avx2, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
        /// `c − a × b` per lane, rounded once.
        fn fnmadd(avx2: Avx2, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
        /// Per lane, `a` where `a < b`, else `b`; and the mask of the lanes where `a < b`, for
        /// [`Lanes::select`].
        fn min_with_mask(avx2: Avx2, a: Self::V, b: Self::V) -> (Self::V, Self::V);
        /// Per lane, `a` where `mask` (from [`Lanes::min_with_mask`]) is set, else `b`.
        fn select(avx2: Avx2, mask: Self::V, a: Self::V, b: Self::V) -> Self::V;
        /// The bit mask (lane `l` is bit `l`) of the lanes of `v` equal to its smallest
        /// value. `v` holds no NaN.
        fn min_lanes(avx2: Avx2, v: Self::V) -> u32;
        /// `a + b` per lane.
        fn plus(avx2: Avx2, a: Self::V, b: Self::V) -> Self::V;
        /// `a − b` per lane.
        fn difference(avx2: Avx2, a: Self::V, b: Self::V) -> Self::V;
        /// `a × b` per lane.
        fn product(avx2: Avx2, a: Self::V, b: Self::V) -> Self::V;
        /// The larger of `a` and `b` per lane (`b` where either is NaN).
        fn max(avx2: Avx2, a: Self::V, b: Self::V) -> Self::V;
        /// The bit mask of the lanes where `a > b`.
        fn greater_lanes(avx2: Avx2, a: Self::V, b: Self::V) -> u32;
        /// `table[index[l]]` per lane `l`. An index past the end of `table` (which must not
        /// be empty) reads its last value.
        fn gather(avx2: Avx2, table: &[Self], index: &[u32; 8]) -> Self::V;
        /// `table[index[l] mod 8]` per lane `l`, from a table of eight values in lanes: for
        /// `f32`, one permutation of a register instead of [`Lanes::gather`]'s eight loads (for
        /// `f64`, whose lanes take two registers, a gather from a copy of the table).
        fn lookup(avx2: Avx2, table: Self::V, index: &[u32; 8]) -> Self::V;
    }

    /// Asks the processor to bring the cache lines of `values` closer, ahead of their use.
    #[inline(always)]
    pub(crate) fn prefetch<T>(_: Avx2, values: &[T]) {
        if let (Some(first), Some(last)) = (values.first(), values.last()) {
            // SAFETY: a prefetch reads nothing into the program and never faults; the
            // addresses are those of borrowed values anyway.
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>((first as *const T).cast());
                _mm_prefetch::<_MM_HINT_T0>((last as *const T).cast());
            }
        }
    }

    /// The 8 × 8 matrix of `f32` whose rows are `rows`, transposed: lane `l` of row `r` becomes
    /// lane `r` of row `l`.
    #[inline(always)]
    pub(crate) fn transpose(_: Avx2, rows: [__m256; 8]) -> [__m256; 8] {
        // SAFETY: register operations only.
        unsafe {
            let [r0, r1, r2, r3, r4, r5, r6, r7] = rows;
            // Interleave pairs of rows, then pairs of pairs, then the two halves.
            let t0 = _mm256_unpacklo_ps(r0, r1);
            let t1 = _mm256_unpackhi_ps(r0, r1);
            let t2 = _mm256_unpacklo_ps(r2, r3);
            let t3 = _mm256_unpackhi_ps(r2, r3);
            let t4 = _mm256_unpacklo_ps(r4, r5);
            let t5 = _mm256_unpackhi_ps(r4, r5);
            let t6 = _mm256_unpacklo_ps(r6, r7);
            let t7 = _mm256_unpackhi_ps(r6, r7);
            let u0 = _mm256_shuffle_ps::<0b01_00_01_00>(t0, t2);
            let u1 = _mm256_shuffle_ps::<0b11_10_11_10>(t0, t2);
            let u2 = _mm256_shuffle_ps::<0b01_00_01_00>(t1, t3);
            let u3 = _mm256_shuffle_ps::<0b11_10_11_10>(t1, t3);
            let u4 = _mm256_shuffle_ps::<0b01_00_01_00>(t4, t6);
            let u5 = _mm256_shuffle_ps::<0b11_10_11_10>(t4, t6);
            let u6 = _mm256_shuffle_ps::<0b01_00_01_00>(t5, t7);
            let u7 = _mm256_shuffle_ps::<0b11_10_11_10>(t5, t7);
            [
                _mm256_permute2f128_ps::<0x20>(u0, u4),
                _mm256_permute2f128_ps::<0x20>(u1, u5),
                _mm256_permute2f128_ps::<0x20>(u2, u6),
                _mm256_permute2f128_ps::<0x20>(u3, u7),
                _mm256_permute2f128_ps::<0x31>(u0, u4),
                _mm256_permute2f128_ps::<0x31>(u1, u5),
                _mm256_permute2f128_ps::<0x31>(u2, u6),
                _mm256_permute2f128_ps::<0x31>(u3, u7),
            ]
        }
    }

    /// `index`, each value capped at `table_len − 1` (so that a gather stays in the table).
    #[inline(always)]
    fn capped(_: Avx2, index: &[u32; 8], table_len: usize) -> __m256i {
        assert!(table_len > 0, "gather from an empty table");
        let last = u32::try_from(table_len - 1).unwrap_or(u32::MAX);
        unsafe {
            _mm256_min_epu32(
                _mm256_loadu_si256(index.as_ptr().cast()),
                _mm256_set1_epi32(last as i32),
            )
        }
    }

    // SAFETY (every function): an `Avx2` exists only where the processor has AVX2 and FMA, so
    // the instructions exist; the loads and stores read and write whole arrays borrowed for
    // the call.
    impl Lanes for f32 {
        type V = __m256;

        #[inline(always)]
        fn splat(_: Avx2, v: f32) -> __m256 {
            unsafe { _mm256_set1_ps(v) }
        }

        #[inline(always)]
        fn load(_: Avx2, a: &[f32; 8]) -> __m256 {
            unsafe { _mm256_loadu_ps(a.as_ptr()) }
        }

        #[inline(always)]
        fn store(_: Avx2, v: __m256, out: &mut [f32; 8]) {
            unsafe { _mm256_storeu_ps(out.as_mut_ptr(), v) }
        }

        #[inline(always)]
        fn fmadd(_: Avx2, a: __m256, b: __m256, c: __m256) -> __m256 {
            unsafe { _mm256_fmadd_ps(a, b, c) }
        }

        #[inline(always)]
        fn fnmadd(_: Avx2, a: __m256, b: __m256, c: __m256) -> __m256 {
            unsafe { _mm256_fnmadd_ps(a, b, c) }
        }

        #[inline(always)]
        fn min_with_mask(_: Avx2, a: __m256, b: __m256) -> (__m256, __m256) {
            unsafe {
                let less = _mm256_cmp_ps::<_CMP_LT_OQ>(a, b);
                (_mm256_blendv_ps(b, a, less), less)
            }
        }

        #[inline(always)]
        fn select(_: Avx2, mask: __m256, a: __m256, b: __m256) -> __m256 {
            unsafe { _mm256_blendv_ps(b, a, mask) }
        }

        #[inline(always)]
        fn min_lanes(_: Avx2, v: __m256) -> u32 {
            unsafe {
                let m = _mm256_min_ps(v, _mm256_permute2f128_ps::<1>(v, v));
                let m = _mm256_min_ps(m, _mm256_shuffle_ps::<0b01_00_11_10>(m, m));
                let m = _mm256_min_ps(m, _mm256_shuffle_ps::<0b10_11_00_01>(m, m));
                _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_EQ_OQ>(v, m)) as u32
            }
        }

        #[inline(always)]
        fn plus(_: Avx2, a: __m256, b: __m256) -> __m256 {
            unsafe { _mm256_add_ps(a, b) }
        }

        #[inline(always)]
        fn difference(_: Avx2, a: __m256, b: __m256) -> __m256 {
            unsafe { _mm256_sub_ps(a, b) }
        }

        #[inline(always)]
        fn product(_: Avx2, a: __m256, b: __m256) -> __m256 {
            unsafe { _mm256_mul_ps(a, b) }
        }

        #[inline(always)]
        fn max(_: Avx2, a: __m256, b: __m256) -> __m256 {
            unsafe { _mm256_max_ps(a, b) }
        }

        #[inline(always)]
        fn greater_lanes(_: Avx2, a: __m256, b: __m256) -> u32 {
            unsafe { _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GT_OQ>(a, b)) as u32 }
        }

        #[inline(always)]
        fn gather(avx2: Avx2, table: &[f32], index: &[u32; 8]) -> __m256 {
            let index = capped(avx2, index, table.len());
            // SAFETY (also): every index is below the table's length.
            unsafe { _mm256_i32gather_ps::<4>(table.as_ptr(), index) }
        }

        #[inline(always)]
        fn lookup(_: Avx2, table: __m256, index: &[u32; 8]) -> __m256 {
            unsafe { _mm256_permutevar8x32_ps(table, _mm256_loadu_si256(index.as_ptr().cast())) }
        }
    }

    impl Lanes for f64 {
        /// Lanes 0–3, then 4–7.
        type V = [__m256d; 2];

        #[inline(always)]
        fn splat(_: Avx2, v: f64) -> [__m256d; 2] {
            unsafe { [_mm256_set1_pd(v); 2] }
        }

        #[inline(always)]
        fn load(_: Avx2, a: &[f64; 8]) -> [__m256d; 2] {
            unsafe {
                [
                    _mm256_loadu_pd(a.as_ptr()),
                    _mm256_loadu_pd(a[4..].as_ptr()),
                ]
            }
        }

        #[inline(always)]
        fn store(_: Avx2, v: [__m256d; 2], out: &mut [f64; 8]) {
            unsafe {
                _mm256_storeu_pd(out.as_mut_ptr(), v[0]);
                _mm256_storeu_pd(out[4..].as_mut_ptr(), v[1]);
            }
        }

        #[inline(always)]
        fn fmadd(_: Avx2, a: [__m256d; 2], b: [__m256d; 2], c: [__m256d; 2]) -> [__m256d; 2] {
            unsafe {
                [
                    _mm256_fmadd_pd(a[0], b[0], c[0]),
                    _mm256_fmadd_pd(a[1], b[1], c[1]),
                ]
            }
        }

        #[inline(always)]
        fn fnmadd(_: Avx2, a: [__m256d; 2], b: [__m256d; 2], c: [__m256d; 2]) -> [__m256d; 2] {
            unsafe {
                [
                    _mm256_fnmadd_pd(a[0], b[0], c[0]),
                    _mm256_fnmadd_pd(a[1], b[1], c[1]),
                ]
            }
        }

        #[inline(always)]
        fn min_with_mask(
            _: Avx2,
            a: [__m256d; 2],
            b: [__m256d; 2],
        ) -> ([__m256d; 2], [__m256d; 2]) {
            unsafe {
                let less = [
                    _mm256_cmp_pd::<_CMP_LT_OQ>(a[0], b[0]),
                    _mm256_cmp_pd::<_CMP_LT_OQ>(a[1], b[1]),
                ];
                let min = [
                    _mm256_blendv_pd(b[0], a[0], less[0]),
                    _mm256_blendv_pd(b[1], a[1], less[1]),
                ];
                (min, less)
            }
        }

        #[inline(always)]
        fn select(_: Avx2, mask: [__m256d; 2], a: [__m256d; 2], b: [__m256d; 2]) -> [__m256d; 2] {
            unsafe {
                [
                    _mm256_blendv_pd(b[0], a[0], mask[0]),
                    _mm256_blendv_pd(b[1], a[1], mask[1]),
                ]
            }
        }

        #[inline(always)]
        fn min_lanes(_: Avx2, v: [__m256d; 2]) -> u32 {
            unsafe {
                let m = _mm256_min_pd(v[0], v[1]);
                let m = _mm256_min_pd(m, _mm256_permute2f128_pd::<1>(m, m));
                let m = _mm256_min_pd(m, _mm256_shuffle_pd::<0b0101>(m, m));
                let low = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_EQ_OQ>(v[0], m));
                let high = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_EQ_OQ>(v[1], m));
                (low | (high << 4)) as u32
            }
        }

        #[inline(always)]
        fn plus(_: Avx2, a: [__m256d; 2], b: [__m256d; 2]) -> [__m256d; 2] {
            unsafe { [_mm256_add_pd(a[0], b[0]), _mm256_add_pd(a[1], b[1])] }
        }

        #[inline(always)]
        fn difference(_: Avx2, a: [__m256d; 2], b: [__m256d; 2]) -> [__m256d; 2] {
            unsafe { [_mm256_sub_pd(a[0], b[0]), _mm256_sub_pd(a[1], b[1])] }
        }

        #[inline(always)]
        fn product(_: Avx2, a: [__m256d; 2], b: [__m256d; 2]) -> [__m256d; 2] {
            unsafe { [_mm256_mul_pd(a[0], b[0]), _mm256_mul_pd(a[1], b[1])] }
        }

        #[inline(always)]
        fn max(_: Avx2, a: [__m256d; 2], b: [__m256d; 2]) -> [__m256d; 2] {
            unsafe { [_mm256_max_pd(a[0], b[0]), _mm256_max_pd(a[1], b[1])] }
        }

        #[inline(always)]
        fn greater_lanes(_: Avx2, a: [__m256d; 2], b: [__m256d; 2]) -> u32 {
            unsafe {
                let low = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(a[0], b[0]));
                let high = _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_GT_OQ>(a[1], b[1]));
                (low | (high << 4)) as u32
            }
        }

        #[inline(always)]
        fn gather(avx2: Avx2, table: &[f64], index: &[u32; 8]) -> [__m256d; 2] {
            let index = capped(avx2, index, table.len());
            // SAFETY (also): every index is below the table's length.
            unsafe {
                [
                    _mm256_i32gather_pd::<8>(table.as_ptr(), _mm256_castsi256_si128(index)),
                    _mm256_i32gather_pd::<8>(table.as_ptr(), _mm256_extracti128_si256::<1>(index)),
                ]
            }
        }

        #[inline(always)]
        fn lookup(avx2: Avx2, table: [__m256d; 2], index: &[u32; 8]) -> [__m256d; 2] {
            let mut values = [0.0; 8];
            Self::store(avx2, table, &mut values);
            Self::gather(avx2, &values, &index.map(|i| i % 8))
        }
    }
}

/// `a × b + c`: fused (one rounding) when `FMA`, else a multiplication and an addition
/// (without FMA in hardware, a fused one would be a slow library call).
#[inline(always)]
pub(crate) fn mul_add<F: Float, const FMA: bool>(a: F, b: F, c: F) -> F {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dot<'a>(&'a [f64], &'a [f64]);

    impl Kernel for Dot<'_> {
        type Output = f64;

        #[inline(always)]
        fn run<const FMA: bool>(self) -> f64 {
            self.0
                .iter()
                .zip(self.1)
                .fold(0.0, |acc, (&a, &b)| mul_add::<f64, FMA>(a, b, acc))
        }
    }

    #[test]
    fn both_versions_compute_the_same_exact_dot_product() {
        let a: Vec<f64> = (0..37).map(f64::from).collect();
        let b: Vec<f64> = (0..37).map(|i| f64::from(i % 5) - 2.0).collect();
        let expected: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        // Small integers: every rounding is exact, so both versions agree exactly.
        assert_eq!(run(Dot(&a, &b)), expected);
        assert_eq!(Dot(&a, &b).run::<false>(), expected);
    }
}
