//! Running commands: output streamed as produced, exit codes, traps, the compile cache.

use plugboard_core::run::{
    ComponentSource, EnvVar, OutputPolicy, OutputStream, RunEvent, RunRequest, Runtime,
    RuntimeOptions, StdinSource,
};

use crate::support::{
    Outcome, quick_first_runtime, request, run, runtime, stop_after_first_output,
};

#[test]
fn output_arrives_line_by_line_while_the_guest_runs() {
    let (runtime, _cache) = runtime();
    let mut req = request("ticker");
    req.capabilities.args = vec!["5".to_string()];
    let mut handle = runtime.run(req);
    let mut chunks: Vec<String> = Vec::new();
    while let Some(event) = handle.next_blocking() {
        if let RunEvent::Stdout { data } = event {
            chunks.push(String::from_utf8_lossy(&data).into_owned());
        }
    }
    // 100 ms pass between two ticks and batches leave every 16 ms: the first tick must have
    // been delivered on its own, long before the last one was printed.
    assert_eq!(chunks.concat(), "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n");
    assert!(
        chunks.len() >= 3,
        "output came in one lump at exit: {chunks:?}"
    );
    assert_eq!(chunks[0], "tick 1\n");
}

#[test]
fn the_cli_demo_sees_exactly_its_grants() {
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request("cli-demo"));
    assert!(
        outcome.stdout.contains("arguments: 0"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("environment: empty"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("stdin: empty"),
        "{}",
        outcome.stdout
    );
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });

    let mut granted = request("cli-demo");
    granted.capabilities.args = vec!["one".into(), "two words".into()];
    granted.capabilities.env = vec![EnvVar {
        key: "GREETING".into(),
        value: "hi".into(),
    }];
    granted.capabilities.stdin = StdinSource::Text {
        text: "first\nsecond\n".into(),
    };
    let outcome = run(&runtime, granted);
    assert!(
        outcome.stdout.contains("  [1] two words"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("  GREETING=hi"),
        "{}",
        outcome.stdout
    );
    assert!(outcome.stdout.contains("  > second"), "{}", outcome.stdout);
}

#[test]
fn stdin_comes_from_a_host_file_and_a_missing_one_is_named() {
    let (runtime, _cache) = runtime();
    let dir = tempfile::TempDir::new().expect("temp dir");
    let input = dir.path().join("input.txt");
    std::fs::write(&input, "from a file\n").expect("write");
    let mut from_file = request("cli-demo");
    from_file.capabilities.stdin = StdinSource::File {
        path: input.clone(),
    };
    let outcome = run(&runtime, from_file);
    assert!(
        outcome.stdout.contains("stdin: 12 byte(s)") && outcome.stdout.contains("  > from a file"),
        "{}",
        outcome.stdout
    );

    let missing = dir.path().join("gone.txt");
    let mut from_missing = request("cli-demo");
    from_missing.capabilities.stdin = StdinSource::File {
        path: missing.clone(),
    };
    let outcome = run(&runtime, from_missing);
    assert!(
        matches!(outcome.terminal(), RunEvent::Failed { message, .. }
            if message.contains("cannot read the stdin file") && message.contains("gone.txt")),
        "{:?}",
        outcome.terminal()
    );
    assert!(outcome.stdout.is_empty(), "nothing ran: {}", outcome.stdout);
}

#[test]
fn a_failing_exit_is_reported_with_its_stderr() {
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request("hostile-exit"));
    // WASI 0.2's exit carries success or failure only: any non-zero code arrives as 1.
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 1 });
    assert!(
        outcome.stderr.contains("something went wrong"),
        "{}",
        outcome.stderr
    );

    let mut failing = request("cli-demo");
    failing.capabilities.env = vec![EnvVar {
        key: "EXIT_CODE".into(),
        value: "9".into(),
    }];
    assert_eq!(
        run(&runtime, failing).terminal(),
        &RunEvent::Exited { code: 1 }
    );
}

#[test]
fn a_panic_is_a_trap_with_a_backtrace() {
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request("hostile-panic"));
    let RunEvent::Trapped { message, backtrace } = outcome.terminal() else {
        panic!("expected a trap, got {:?}", outcome.terminal())
    };
    assert!(message.contains("unreachable"), "{message}");
    assert!(
        backtrace
            .iter()
            .any(|frame| frame.contains("hostile_panic")),
        "{backtrace:?}"
    );
    assert!(
        outcome.stderr.contains("deliberate panic"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn a_library_cannot_be_run_and_says_what_to_do() {
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request("string-operations"));
    let RunEvent::Failed { message, .. } = outcome.terminal() else {
        panic!("{:?}", outcome.terminal())
    };
    assert!(
        message.contains("wasi:cli/run") && message.contains("invoke"),
        "{message}"
    );
}

#[test]
fn an_unwired_import_is_named() {
    let (runtime, _cache) = runtime();
    let outcome = run(&runtime, request("consumer-app"));
    let RunEvent::Failed { message, .. } = outcome.terminal() else {
        panic!("{:?}", outcome.terminal())
    };
    assert!(
        message.contains("example:stringoperations/operations@0.1.0"),
        "{message}"
    );
    assert!(message.contains("wire"), "{message}");
}

#[test]
fn bytes_that_are_not_a_component_fail_cleanly() {
    let (runtime, _cache) = runtime();
    let outcome = run(
        &runtime,
        RunRequest::new(ComponentSource::new("junk.wasm", b"\0asm junk".to_vec())),
    );
    assert!(
        matches!(outcome.terminal(), RunEvent::Failed { .. }),
        "{:?}",
        outcome.terminal()
    );
}

#[test]
fn the_second_run_of_the_same_bytes_does_not_compile() {
    let cache = tempfile::TempDir::new().expect("temp dir");
    let options = RuntimeOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        quick_first: false,
    };
    let first = Runtime::new(options.clone()).expect("runtime");
    let cold = run(&first, request("clocks-demo"));
    assert!(
        cold.events
            .iter()
            .any(|e| matches!(e, RunEvent::Compiling { .. }))
    );
    assert!(
        cold.events
            .iter()
            .any(|e| matches!(e, RunEvent::Compiled { cached: false, .. }))
    );
    assert_eq!(first.compile_count(), 1);

    let warm = run(&first, request("clocks-demo"));
    assert!(
        !warm
            .events
            .iter()
            .any(|e| matches!(e, RunEvent::Compiling { .. }))
    );
    assert!(
        warm.events
            .iter()
            .any(|e| matches!(e, RunEvent::Compiled { cached: true, .. }))
    );
    assert_eq!(first.compile_count(), 1, "the same bytes compile once");

    // A new runtime (a new process, say) finds the compiled code on disk, once the first has
    // written it, as a process does before it exits.
    first.finish_background_work();
    let second = Runtime::new(options).expect("runtime");
    let from_disk = run(&second, request("clocks-demo"));
    assert!(
        from_disk
            .events
            .iter()
            .any(|e| matches!(e, RunEvent::Compiled { cached: true, .. }))
    );
    assert_eq!(second.compile_count(), 0);
    assert_eq!(from_disk.terminal(), &RunEvent::Exited { code: 0 });
    assert!(
        from_disk.stdout.contains("monotonic clock"),
        "{}",
        from_disk.stdout
    );
}

#[test]
fn clocks_and_random_are_always_there() {
    let (runtime, _cache) = runtime();
    let random = run(&runtime, request("random-demo"));
    assert!(
        random.stdout.contains("secure random bytes: "),
        "{}",
        random.stdout
    );
    assert_eq!(random.terminal(), &RunEvent::Exited { code: 0 });
    let clocks = run(&runtime, request("clocks-demo"));
    assert!(
        clocks.stdout.contains("wall clock: 20"),
        "{}",
        clocks.stdout
    );
}

#[test]
fn a_flood_is_capped_and_the_drop_is_reported() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-flood");
    req.capabilities.args = vec!["64".to_string()];
    req.output = OutputPolicy::DropOverflow { cap: 1 << 20 };
    // However fast the watcher reads, every byte is either delivered or counted as dropped, and
    // the guest is never made to wait.
    let events = runtime.run(req).collect_blocking();
    let outcome = Outcome::from_events(events);
    assert_eq!(outcome.terminal(), &RunEvent::Exited { code: 0 });
    let dropped: u64 = outcome
        .events
        .iter()
        .filter_map(|e| match e {
            RunEvent::OutputDropped {
                stream: OutputStream::Stdout,
                bytes,
            } => Some(*bytes),
            _ => None,
        })
        .sum();
    let kept = outcome.stdout.len() as u64;
    assert_eq!(
        kept + dropped,
        64 << 20,
        "every byte is either delivered or counted as dropped"
    );
}

#[test]
fn a_flood_with_backpressure_loses_nothing() {
    let (runtime, _cache) = runtime();
    let mut req = request("hostile-flood");
    req.capabilities.args = vec!["16".to_string()];
    req.output = OutputPolicy::Backpressure { cap: 256 << 10 };
    let outcome = Outcome::from_events(runtime.run(req).collect_blocking());
    assert_eq!(outcome.stdout.len(), 16 << 20);
    assert!(
        !outcome
            .events
            .iter()
            .any(|e| matches!(e, RunEvent::OutputDropped { .. }))
    );
}

/// Whether the run got its code as `cached` says, and optimized code as `optimized` says.
fn got_code(outcome: &Outcome, cached: bool, optimized: bool) -> bool {
    outcome.events.iter().any(|e| {
        matches!(e, RunEvent::Compiled { cached: c, optimized: o, .. } if *c == cached && *o == optimized)
    })
}

#[test]
fn a_first_run_starts_on_quick_code_and_the_next_gets_optimized_code() {
    let (runtime, cache) = quick_first_runtime();
    let first = run(&runtime, request("clocks-demo"));
    assert!(got_code(&first, false, false), "{:?}", first.events);
    assert_eq!(first.terminal(), &RunEvent::Exited { code: 0 });

    runtime.finish_background_work();
    assert_eq!(
        runtime.compile_count(),
        2,
        "quick code now, optimized code in the background"
    );
    let second = run(&runtime, request("clocks-demo"));
    assert!(got_code(&second, true, true), "{:?}", second.events);
    assert_eq!(runtime.compile_count(), 2);

    // A new process finds the optimized code on disk: the first waited for it to be written.
    let again = Runtime::new(RuntimeOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        quick_first: true,
    })
    .expect("runtime");
    let third = run(&again, request("clocks-demo"));
    assert!(got_code(&third, true, true), "{:?}", third.events);
    assert_eq!(again.compile_count(), 0);
}

#[test]
fn quick_code_can_be_stopped_in_a_loop() {
    let (runtime, _cache) = quick_first_runtime();
    let events = stop_after_first_output(runtime.run(request("hostile-loop"))).events;
    assert!(events.iter().any(|e| matches!(
        e,
        RunEvent::Compiled {
            optimized: false,
            ..
        }
    )));
    assert_eq!(events.last(), Some(&RunEvent::Stopped));
}
