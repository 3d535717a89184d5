//! A dense, row-major matrix of `f32` or `f64` whose values are all finite.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Sub, SubAssign};

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// The floating-point types a [`Matrix`] can hold: `f32` and `f64`.
///
/// Sealed: the algorithms are written and tested for these two types only.
pub trait Float:
    sealed::Sealed
    + Copy
    + Send
    + Sync
    + Default
    + PartialOrd
    + Debug
    + Display
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + AddAssign
    + SubAssign
    + Sum
    + Serialize
    + 'static
{
    /// 0.
    const ZERO: Self;
    /// Positive infinity.
    const INFINITY: Self;
    /// The difference between 1 and the next larger value: the relative rounding error of
    /// one operation is at most half of it.
    const EPSILON: Self;
    /// The nearest value of this type to `v`.
    fn from_f64(v: f64) -> Self;
    /// The value as an `f64` (exact for both types).
    fn to_f64(self) -> f64;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Neither NaN nor infinite.
    fn is_finite(self) -> bool;
    /// `self × a + b` with one rounding (a library call unless compiled with FMA: see
    /// `simd::mul_add`).
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `values` as `f32` when `Self` is `f32`, for kernels written for one type.
    fn as_f32s(values: &[Self]) -> Option<&[f32]>;
    /// `values` as `f64` when `Self` is `f64`.
    fn as_f64s(values: &[Self]) -> Option<&[f64]>;
    /// [`Float::as_f32s`] for values to write.
    fn as_f32s_mut(values: &mut [Self]) -> Option<&mut [f32]>;
    /// [`Float::as_f64s`] for values to write.
    fn as_f64s_mut(values: &mut [Self]) -> Option<&mut [f64]>;
}

macro_rules! impl_float {
    ($t:ty, $as_f32s:expr, $as_f64s:expr, $as_f32s_mut:expr, $as_f64s_mut:expr) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const INFINITY: Self = <$t>::INFINITY;
            const EPSILON: Self = <$t>::EPSILON;
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(self, a, b)
            }
            #[inline(always)]
            fn as_f32s(values: &[Self]) -> Option<&[f32]> {
                ($as_f32s)(values)
            }
            #[inline(always)]
            fn as_f64s(values: &[Self]) -> Option<&[f64]> {
                ($as_f64s)(values)
            }
            #[inline(always)]
            fn as_f32s_mut(values: &mut [Self]) -> Option<&mut [f32]> {
                ($as_f32s_mut)(values)
            }
            #[inline(always)]
            fn as_f64s_mut(values: &mut [Self]) -> Option<&mut [f64]> {
                ($as_f64s_mut)(values)
            }
        }
    };
}
impl_float!(f32, Some, |_| None, Some, |_| None);
impl_float!(f64, |_| None, Some, |_| None, Some);

/// A dense row-major matrix of finite `f32` or `f64` values: one row per sample (account), one
/// column per feature.
///
/// Every constructor checks that all values are finite, so the algorithms never see NaN:
///
/// ```
/// use cible_ml::Matrix;
///
/// let m = Matrix::new(vec![1.0, 2.0, 3.0, f64::NAN], 2, 2).unwrap_err();
/// assert_eq!(
///     m.to_string(),
///     "row 1, column 1: value NaN is not finite; impute or drop missing values first"
/// );
/// ```
///
/// A matrix may have zero rows (the algorithms reject it with a clear error); constant columns
/// are allowed and contribute nothing to distances. It serializes as `{"data": [...], "rows": R,
/// "cols": C}`, and deserializing checks the shape and the values as [`Matrix::new`] does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix<F: Float> {
    data: Vec<F>,
    rows: usize,
    cols: usize,
}

impl<F: Float> Matrix<F> {
    /// A `rows × cols` matrix from its values in row-major order.
    ///
    /// Fails when `data.len() != rows * cols` or when a value is NaN or infinite (the error
    /// names the first such value's row and column).
    pub fn new(data: Vec<F>, rows: usize, cols: usize) -> Result<Self> {
        let expected = rows.checked_mul(cols);
        if expected != Some(data.len()) {
            return Err(Error::Shape {
                len: data.len(),
                rows,
                cols,
                expected: expected.unwrap_or(usize::MAX),
            });
        }
        if let Some(pos) = data.iter().position(|v| !v.is_finite()) {
            return Err(Error::NotFinite {
                row: pos / cols,
                column: pos % cols,
                value: data[pos].to_f64(),
            });
        }
        Ok(Matrix { data, rows, cols })
    }

    /// A matrix from a slice of rows, which must all have the same length.
    pub fn from_rows<R: AsRef<[F]>>(rows: &[R]) -> Result<Self> {
        let (data, cols) = flatten_rows(rows)?;
        Matrix::new(data, rows.len(), cols)
    }

    /// Number of rows (samples).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (features).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `i` as a slice. Panics when `i >= rows()`.
    pub fn row(&self, i: usize) -> &[F] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// The value at row `i`, column `j`. Panics when out of bounds.
    pub fn get(&self, i: usize, j: usize) -> F {
        assert!(
            j < self.cols,
            "column {j} out of bounds ({} columns)",
            self.cols
        );
        self.data[i * self.cols + j]
    }

    /// An iterator over the rows.
    pub fn iter_rows(&self) -> impl ExactSizeIterator<Item = &[F]> + '_ {
        // `chunks_exact(0)` panics; a matrix with no columns has `rows` empty rows.
        (0..self.rows).map(move |i| self.row(i))
    }

    /// All values in row-major order.
    pub fn as_slice(&self) -> &[F] {
        &self.data
    }

    /// The values in row-major order, consuming the matrix.
    pub fn into_vec(self) -> Vec<F> {
        self.data
    }

    /// The same matrix converted to another float type (`f64` → `f32` rounds to nearest).
    pub fn cast<G: Float>(&self) -> Matrix<G> {
        Matrix {
            data: self.data.iter().map(|v| G::from_f64(v.to_f64())).collect(),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// The rows whose indices are given, in that order. Panics when an index is out of bounds.
    pub fn select_rows(&self, indices: &[usize]) -> Matrix<F> {
        let mut data = Vec::with_capacity(indices.len() * self.cols);
        for &i in indices {
            data.extend_from_slice(self.row(i));
        }
        Matrix {
            data,
            rows: indices.len(),
            cols: self.cols,
        }
    }

    /// Mean of every column, accumulated in `f64`. All zeros when there are no rows.
    pub fn column_means(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.cols];
        for row in self.iter_rows() {
            for (s, v) in sums.iter_mut().zip(row) {
                *s += v.to_f64();
            }
        }
        let n = self.rows.max(1) as f64;
        sums.iter().map(|s| s / n).collect()
    }

    /// Population variance (divided by n, as numpy's `var`) of every column, in `f64`.
    pub fn column_variances(&self) -> Vec<f64> {
        let means = self.column_means();
        let mut sums = vec![0.0; self.cols];
        for row in self.iter_rows() {
            for ((s, v), m) in sums.iter_mut().zip(row).zip(&means) {
                let d = v.to_f64() - m;
                *s += d * d;
            }
        }
        let n = self.rows.max(1) as f64;
        sums.iter().map(|s| s / n).collect()
    }

    /// Indices of the columns whose values are all equal (a constant column carries no
    /// information for clustering; callers may want to warn about or drop it).
    pub fn constant_columns(&self) -> Vec<usize> {
        let Some(first) = self.iter_rows().next() else {
            return Vec::new();
        };
        (0..self.cols)
            .filter(|&j| self.iter_rows().all(|r| r[j] == first[j]))
            .collect()
    }

    /// Fails with [`Error::Empty`] when the matrix has no rows or no columns.
    pub(crate) fn check_not_empty(&self, what: &'static str) -> Result<()> {
        if self.rows == 0 || self.cols == 0 {
            return Err(Error::Empty {
                what,
                rows: self.rows,
                cols: self.cols,
            });
        }
        Ok(())
    }

    /// A matrix built by this crate from values it knows to be finite.
    pub(crate) fn from_parts_unchecked(data: Vec<F>, rows: usize, cols: usize) -> Self {
        debug_assert_eq!(data.len(), rows * cols);
        Matrix { data, rows, cols }
    }
}

impl<'de, F: Float + Deserialize<'de>> Deserialize<'de> for Matrix<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Parts<F> {
            data: Vec<F>,
            rows: usize,
            cols: usize,
        }
        let parts = Parts::<F>::deserialize(deserializer)?;
        Matrix::new(parts.data, parts.rows, parts.cols).map_err(serde::de::Error::custom)
    }
}

/// Squared Euclidean distance between two equal-length slices, accumulated in `F` in four
/// interleaved partial sums (so that the additions do not wait on each other).
#[inline]
pub(crate) fn squared_distance<F: Float>(a: &[F], b: &[F]) -> F {
    let mut acc = [F::ZERO; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (a4.remainder(), b4.remainder());
    for (x, y) in a4.zip(b4) {
        for l in 0..4 {
            let d = x[l] - y[l];
            acc[l] += d * d;
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (&x, &y) in ra.iter().zip(rb) {
        let d = x - y;
        s += d * d;
    }
    s
}

/// Euclidean distance between two equal-length slices, computed in `f64`.
#[inline]
pub(crate) fn distance_f64<F: Float>(a: &[F], b: &[F]) -> f64 {
    let mut s = 0.0;
    for (&x, &y) in a.iter().zip(b) {
        let d = x.to_f64() - y.to_f64();
        s += d * d;
    }
    s.sqrt()
}

/// Rows of equal length laid end to end, with their length (0 without rows); the first row of
/// another length is an error naming it.
pub(crate) fn flatten_rows<T: Copy, R: AsRef<[T]>>(rows: &[R]) -> Result<(Vec<T>, usize)> {
    let cols = rows.first().map_or(0, |r| r.as_ref().len());
    let mut data = Vec::with_capacity(rows.len() * cols);
    for (i, row) in rows.iter().enumerate() {
        let row = row.as_ref();
        if row.len() != cols {
            return Err(Error::RaggedRows {
                row: i,
                expected: cols,
                found: row.len(),
            });
        }
        data.extend_from_slice(row);
    }
    Ok((data, cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squared_distance_of_any_length() {
        let a: Vec<f64> = (0..11).map(f64::from).collect();
        let b = vec![1.0; 11];
        let expected: f64 = a.iter().map(|v| (v - 1.0) * (v - 1.0)).sum();
        for len in 0..=11 {
            let e: f64 = a[..len].iter().map(|v| (v - 1.0) * (v - 1.0)).sum();
            assert_eq!(squared_distance(&a[..len], &b[..len]), e);
        }
        assert_eq!(squared_distance(&a, &b), expected);
    }

    #[test]
    fn new_checks_shape() {
        let e = Matrix::new(vec![1.0f64; 5], 2, 3).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data has 5 values but a 2 × 3 matrix needs 6"
        );
    }

    #[test]
    fn new_names_the_first_non_finite_value() {
        let mut data = vec![0.0f64; 20 * 4];
        data[17 * 4 + 3] = f64::NAN;
        data[18 * 4] = f64::INFINITY;
        let e = Matrix::new(data, 20, 4).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 17, column 3: value NaN is not finite; impute or drop missing values first"
        );
        assert!(matches!(e, Error::NotFinite { row: 17, column: 3, value } if value.is_nan()));
    }

    #[test]
    fn infinite_values_are_rejected_in_f32() {
        let e = Matrix::new(vec![1.0f32, f32::NEG_INFINITY], 1, 2).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 0, column 1: value -inf is not finite; impute or drop missing values first"
        );
    }

    #[test]
    fn from_rows_rejects_ragged_rows() {
        let e = Matrix::from_rows(&[vec![1.0f64, 2.0], vec![3.0]]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "row 1 has 1 values but row 0 has 2; all rows need the same length"
        );
    }

    #[test]
    fn accessors_and_statistics() {
        let m = Matrix::from_rows(&[[1.0f64, 5.0], [3.0, 5.0]]).unwrap();
        assert_eq!((m.rows(), m.cols()), (2, 2));
        assert_eq!(m.row(1), &[3.0, 5.0]);
        assert_eq!(m.get(0, 1), 5.0);
        assert_eq!(m.column_means(), vec![2.0, 5.0]);
        assert_eq!(m.column_variances(), vec![1.0, 0.0]);
        assert_eq!(m.constant_columns(), vec![1]);
        assert_eq!(m.cast::<f32>().row(0), &[1.0f32, 5.0]);
        assert_eq!(m.select_rows(&[1, 1]).as_slice(), &[3.0, 5.0, 3.0, 5.0]);
    }

    #[test]
    fn deserializing_checks_shape_and_values() {
        let m = Matrix::from_rows(&[[1.0f64, 2.0], [3.0, 4.5]]).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"data":[1.0,2.0,3.0,4.5],"rows":2,"cols":2}"#);
        assert_eq!(serde_json::from_str::<Matrix<f64>>(&json).unwrap(), m);
        let e = serde_json::from_str::<Matrix<f64>>(r#"{"data":[1.0],"rows":2,"cols":2}"#);
        assert_eq!(
            e.unwrap_err().to_string(),
            "data has 1 values but a 2 × 2 matrix needs 4"
        );
    }

    #[test]
    fn empty_matrices_are_representable_but_rejected_by_algorithms() {
        let m = Matrix::<f64>::new(Vec::new(), 0, 3).unwrap();
        let e = m.check_not_empty("the data").unwrap_err();
        assert_eq!(
            e.to_string(),
            "the data is empty (0 rows × 3 columns); it needs at least one row and one column"
        );
    }
}
