//! `wasi:clocks` demo: reads the wall clock and measures a sleep with the monotonic clock.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Converts days since 1970-01-01 to a (year, month, day) civil date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn main() {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since_epoch) => {
            let secs = since_epoch.as_secs() as i64;
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let rem = secs.rem_euclid(86_400);
            println!(
                "wall clock: {y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z (unix {secs})",
                rem / 3600,
                rem % 3600 / 60,
                rem % 60
            );
        }
        Err(e) => println!("wall clock: before 1970 ({e})"),
    }

    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(200));
    let slept = start.elapsed();
    println!(
        "monotonic clock: asked to sleep 200 ms, measured {:.1} ms",
        slept.as_secs_f64() * 1000.0
    );
}
