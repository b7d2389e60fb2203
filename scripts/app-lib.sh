# Shared by the desktop app's scripts (test-app.sh, start-app.sh, screenshots.sh): sourced, not
# run. Needs lib.sh sourced first.

# The app binary the scripts build: the UI embedded (feature custom-protocol), dev profile.
APP_BIN="$CARGO_TARGET_DIR/debug/plugboard-app"
export APP_BIN

# Builds ui/dist, then the app with it embedded. This dev build carries the test hook the
# end-to-end tests drive (window.__PLUGBOARD_TEST__); a release build does not.
build_app() {
  step "ui: build"
  (cd "$ROOT/ui" && VITE_PLUGBOARD_TEST_HOOK=1 npx vite build --logLevel warn)
  step "app: build (dev profile, UI embedded)"
  cargo build --locked -p plugboard-app --features custom-protocol
}

# Processes started here, stopped on exit by their ids.
APP_PIDS=()
stop_started() {
  local pid
  for pid in "${APP_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${APP_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  APP_PIDS=()
}
trap stop_started EXIT

# Waits up to $2 seconds for the command in $1 to succeed.
wait_for() {
  local tries=$(($2 * 5))
  until eval "$1" >/dev/null 2>&1; do
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      echo "timed out waiting for: $1" >&2
      return 1
    fi
    sleep 0.2
  done
}

# Starts Xvfb on display $1 with screen size $2 (e.g. 1600x1000) and exports DISPLAY.
start_xvfb() {
  local display="$1" size="$2"
  if [ -e "/tmp/.X11-unix/X${display#:}" ]; then
    echo "display $display is in use: stop whatever runs there, or pick another" >&2
    return 1
  fi
  Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
  APP_PIDS+=($!)
  export DISPLAY="$display"
  wait_for "[ -e /tmp/.X11-unix/X${display#:} ]" 20
}

# Starts tauri-driver on port $1 and waits until it answers.
start_tauri_driver() {
  local port="$1" driver
  driver="$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"
  "$driver" --port "$port" --native-port "$((port + 1))" >"${TMPDIR:-/tmp}/tauri-driver-$port.log" 2>&1 &
  APP_PIDS+=($!)
  wait_for "curl -sf http://127.0.0.1:$port/status" 30
}
