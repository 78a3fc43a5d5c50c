//! A cheap clock for stamps taken on hot paths (every `receive` stamps when it parks).

#![allow(unsafe_code, reason = "clock_gettime with the coarse monotonic clock")]

/// Microseconds on the kernel's coarse monotonic clock: a memory read in the vDSO, where the
/// precise clock costs a `rdtsc` and arithmetic. Its resolution is the kernel's tick (1 to
/// 4 ms), which is plenty for "parked in receive for 3.2 s".
pub(crate) fn coarse_us() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut ts) };
    ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1_000
}

#[cfg(test)]
mod tests {
    use super::coarse_us;

    #[test]
    fn the_coarse_clock_moves_forward_within_a_tick_of_the_precise_one() {
        let a = coarse_us();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = coarse_us();
        assert!(b > a, "{a} then {b}");
        assert!(b - a >= 10_000, "20 ms passed, the clock says {} µs", b - a);
    }
}
