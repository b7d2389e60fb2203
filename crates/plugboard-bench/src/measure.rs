//! Whole-process measurements: wall time, time to the first stdout byte, CPU time and peak
//! memory of one child process, and the statistics of several runs.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// One run of one command.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    pub first_byte: Option<Duration>,
    pub cpu: Duration,
    pub peak_rss_kib: u64,
}

/// Runs `command` to its end, reading (and discarding) its stdout.
pub fn run_once(command: &mut Command) -> Result<Sample> {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {command:?}"))?;
    let mut stdout = child.stdout.take().context("no stdout")?;
    let mut buffer = vec![0u8; 1 << 16];
    let mut first_byte = None;
    loop {
        let n = stdout.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        first_byte.get_or_insert_with(|| started.elapsed());
    }
    let (status, usage) = wait_with_usage(child.id())?;
    let wall = started.elapsed();
    if status != 0 {
        bail!("{command:?} exited with status {status}");
    }
    Ok(Sample {
        wall,
        first_byte,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        peak_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
    })
}

/// Waits for a child and returns its exit status and its own resource usage (std's `wait`
/// reports no usage; `getrusage(RUSAGE_CHILDREN)` would mix all children together).
#[expect(
    unsafe_code,
    reason = "wait4 is the only way to get one child's rusage"
)]
fn wait_with_usage(pid: u32) -> Result<(i32, libc::rusage)> {
    let pid = libc::pid_t::try_from(pid).context("pid out of range")?;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data, fully written by wait4 on success.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own unwaited child; both pointers are valid for the call.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    Ok((code, usage))
}

fn timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(u64::try_from(tv.tv_sec).unwrap_or(0))
        + Duration::from_micros(u64::try_from(tv.tv_usec).unwrap_or(0))
}

/// Runs `make()` once to warm up (unless `warmup` is false) and then `runs` times.
pub fn measure(
    runs: usize,
    warmup: bool,
    mut make: impl FnMut() -> Command,
) -> Result<Vec<Sample>> {
    if warmup {
        run_once(&mut make())?;
    }
    (0..runs).map(|_| run_once(&mut make())).collect()
}

/// Runs the commands `a` and `b` make in alternation, `pairs` times, after one warm-up of each
/// (unless `warmup` is false). On a noisy machine a slow moment then slows both sides of a pair
/// alike, so each pair's ratio is steadier than the ratio of two medians taken apart.
pub fn measure_pairs(
    pairs: usize,
    warmup: bool,
    mut a: impl FnMut() -> Command,
    mut b: impl FnMut() -> Command,
) -> Result<(Vec<Sample>, Vec<Sample>)> {
    if warmup {
        run_once(&mut a())?;
        run_once(&mut b())?;
    }
    let (mut of_a, mut of_b) = (Vec::with_capacity(pairs), Vec::with_capacity(pairs));
    for _ in 0..pairs {
        of_a.push(run_once(&mut a())?);
        of_b.push(run_once(&mut b())?);
    }
    Ok((of_a, of_b))
}

/// Median, minimum and maximum of some durations.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
}

impl Spread {
    pub fn of(mut values: Vec<Duration>) -> Option<Self> {
        values.sort_unstable();
        Some(Self {
            median: *values.get(values.len() / 2)?,
            min: *values.first()?,
            max: *values.last()?,
        })
    }
}

/// The statistics of a set of samples, as one table row shows them.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub wall: Spread,
    pub first_byte: Option<Spread>,
    pub cpu: Duration,
    pub peak_rss_kib: u64,
}

impl Summary {
    pub fn of(samples: &[Sample]) -> Option<Self> {
        let first: Vec<Duration> = samples.iter().filter_map(|s| s.first_byte).collect();
        Some(Self {
            wall: Spread::of(samples.iter().map(|s| s.wall).collect())?,
            first_byte: Spread::of(first),
            cpu: Spread::of(samples.iter().map(|s| s.cpu).collect())?.median,
            peak_rss_kib: samples.iter().map(|s| s.peak_rss_kib).max()?,
        })
    }
}

/// Milliseconds with a precision that suits the size (nanoseconds under a tenth of one: the
/// cost of one call).
pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 0.1 {
        format!("{} ns", d.as_nanos())
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}
