//! Limits and Stop: each ends the run with its own event.

use plugboard_core::run::RunEvent;

use crate::support::{request, run, runtime, stop_after_first_output};

#[test]
fn an_infinite_loop_ends_at_the_timeout() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-loop");
    req.limits.timeout_ms = Some(300);
    let outcome = run(&runtime, req);
    assert_eq!(outcome.terminal(), &RunEvent::TimedOut { after_ms: 300 });
    assert!(outcome.stdout.contains("spinning forever"));
}

#[test]
fn stop_ends_an_infinite_loop() {
    let (runtime, _cache) = runtime();
    let outcome = stop_after_first_output(runtime.run(request("hostile-loop")));
    assert_eq!(outcome.terminal(), &RunEvent::Stopped);
}

#[test]
fn stop_ends_a_guest_waiting_in_a_host_call() {
    let (runtime, _cache) = runtime();
    let mut req = request("ticker");
    req.capabilities.args = vec!["1000000".to_string()];
    // After its first line the ticker spends almost all its time asleep in the host.
    let outcome = stop_after_first_output(runtime.run(req));
    assert_eq!(outcome.terminal(), &RunEvent::Stopped);
}

#[test]
fn a_memory_bomb_ends_at_the_memory_limit() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-memory-bomb");
    req.limits.max_memory_bytes = Some(64 << 20);
    let outcome = run(&runtime, req);
    let RunEvent::OutOfMemory {
        limit_bytes,
        requested_bytes,
    } = outcome.terminal()
    else {
        panic!("expected out of memory, got {:?}", outcome.terminal())
    };
    assert_eq!(*limit_bytes, 64 << 20);
    assert!(*requested_bytes > 64 << 20);
    assert!(
        outcome.stdout.contains("allocated 16 MiB"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn fuel_ends_an_infinite_loop() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-loop");
    req.limits.fuel = Some(5_000_000);
    let outcome = run(&runtime, req);
    assert_eq!(outcome.terminal(), &RunEvent::OutOfFuel { fuel: 5_000_000 });
}

#[test]
fn a_generous_limit_changes_nothing() {
    let (runtime, _cache) = runtime();
    let mut req = request("clocks-demo");
    req.limits.timeout_ms = Some(60_000);
    req.limits.fuel = Some(u64::MAX / 2);
    let outcome = run(&runtime, req);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
}
