//! Stubs: the value a stubbed function returns, written as WAVE from the window's form.

use plugboard_core::inspect::TypeShape;
use plugboard_core::run::{json_value, wave_value};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, ErrorKind};

/// A stubbed function's result as the window's form holds it (JSON shaped as
/// `plugboard_core::run::wave_value` documents), with the result's type.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct StubValue {
    /// The result's type.
    pub shape: TypeShape,
    /// The form's value.
    pub value: serde_json::Value,
}

/// The WAVE text a stub saves for `value`, or why the value does not fit its type.
#[tauri::command]
pub fn stub_value(value: StubValue) -> Result<String, AppError> {
    wave_value(&value.shape, &value.value)
        .map_err(|message| AppError::new(ErrorKind::InvalidArguments, message))
}

/// A saved stub answer as the window's form holds it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StubFormValue {
    /// The form's JSON (shaped as `plugboard_core::run::wave_value` documents).
    pub value: serde_json::Value,
}

/// A saved stub answer (WAVE `text` of type `shape`) as the window's form holds it, so the form
/// opens filled with what is saved; or why the text does not fit the type (a hand-edited file).
#[tauri::command]
pub fn stub_form_value(shape: TypeShape, text: String) -> Result<StubFormValue, AppError> {
    json_value(&shape, &text)
        .map(|value| StubFormValue { value })
        .map_err(|message| AppError::new(ErrorKind::InvalidArguments, message))
}
