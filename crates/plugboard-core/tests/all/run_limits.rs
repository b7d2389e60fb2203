//! Limits and Stop: each ends the run with its own event.

use plugboard_core::run::RunEvent;

use crate::support::{Outcome, request, run, runtime};

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
    let mut handle = runtime.run(request("hostile-loop"));
    let mut events = Vec::new();
    // Stop once the guest is certainly spinning: after its first line.
    while let Some(event) = handle.next_blocking() {
        let printed = matches!(&event, RunEvent::Stdout { .. });
        events.push(event);
        if printed {
            handle.stop();
        }
    }
    let outcome = Outcome::from_events(events);
    assert_eq!(outcome.terminal(), &RunEvent::Stopped);
}

#[test]
fn stop_ends_a_guest_waiting_in_a_host_call() {
    let (runtime, _cache) = runtime();
    let mut req = request("ticker");
    req.capabilities.args = vec!["1000000".to_string()];
    let mut handle = runtime.run(req);
    let mut events = Vec::new();
    while let Some(event) = handle.next_blocking() {
        let printed = matches!(&event, RunEvent::Stdout { .. });
        events.push(event);
        if printed {
            // The ticker now spends almost all its time asleep in the host.
            handle.stop();
        }
    }
    assert_eq!(Outcome::from_events(events).terminal(), &RunEvent::Stopped);
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
