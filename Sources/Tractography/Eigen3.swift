import Foundation

/// Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations: exact to rounding
/// for any symmetric input (a closed-form cubic loses accuracy for nearly isotropic tensors).
/// Returns eigenvalues in descending order and the matching unit eigenvectors.
func symmetricEigen3(_ a: [Double]) -> (values: SIMD3<Double>, vectors: [SIMD3<Double>]) {
    // a = [xx, xy, yy, xz, yz, zz] (DIPY's lower-triangular order).
    var m: [[Double]] = [[a[0], a[1], a[3]], [a[1], a[2], a[4]], [a[3], a[4], a[5]]]
    var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    for _ in 0..<50 {
        let off = m[0][1] * m[0][1] + m[0][2] * m[0][2] + m[1][2] * m[1][2]
        let scale = m[0][0] * m[0][0] + m[1][1] * m[1][1] + m[2][2] * m[2][2]
        if off <= 1e-30 * Swift.max(scale, 1e-300) { break }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] where m[p][q] != 0 {
            let theta = (m[q][q] - m[p][p]) / (2 * m[p][q])
            let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
            let c = 1 / (t * t + 1).squareRoot(), s = t * c
            for k in 0..<3 {
                let mkp = m[k][p], mkq = m[k][q]
                m[k][p] = c * mkp - s * mkq
                m[k][q] = s * mkp + c * mkq
            }
            for k in 0..<3 {
                let mpk = m[p][k], mqk = m[q][k]
                m[p][k] = c * mpk - s * mqk
                m[q][k] = s * mpk + c * mqk
            }
            for k in 0..<3 {
                let vkp = v[k][p], vkq = v[k][q]
                v[k][p] = c * vkp - s * vkq
                v[k][q] = s * vkp + c * vkq
            }
        }
    }
    let order = [0, 1, 2].sorted { m[$0][$0] > m[$1][$1] }
    let values = SIMD3(m[order[0]][order[0]], m[order[1]][order[1]], m[order[2]][order[2]])
    let vectors = order.map { j in SIMD3(v[0][j], v[1][j], v[2][j]) }
    return (values, vectors)
}

/// Solves the symmetric positive definite system A x = b (n×n, row-major) by Cholesky; nil when
/// A is not positive definite (a degenerate voxel).
func choleskySolve(_ a: inout [Double], _ b: inout [Double], _ n: Int) -> Bool {
    for j in 0..<n {
        var d = a[j * n + j]
        for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
        guard d > 0 else { return false }
        let l = d.squareRoot()
        a[j * n + j] = l
        for i in (j + 1)..<n {
            var s = a[i * n + j]
            for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
            a[i * n + j] = s / l
        }
    }
    for i in 0..<n {
        var s = b[i]
        for k in 0..<i { s -= a[i * n + k] * b[k] }
        b[i] = s / a[i * n + i]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
        var s = b[i]
        for k in (i + 1)..<n { s -= a[k * n + i] * b[k] }
        b[i] = s / a[i * n + i]
    }
    return true
}
