//! Which WAVE call a form's invocation is: the function found among a component's exports, a
//! resource's method run on a new instance its constructor makes, and the function named the way
//! [`super::Runtime::invoke`] finds it (`interface#function`, so two interfaces exporting one
//! name stay apart).

use serde_json::Value;

use super::values::{wave_call, wave_method_call};
use crate::inspect::{FunctionKind, Port, PortKind, names};

/// One exported function to call, with a form's values (JSON shaped as [`super::wave_value`]
/// documents).
#[derive(Debug, Clone, Copy)]
pub struct FormCall<'a> {
    /// The export (port) holding the function.
    pub port: &'a str,
    /// The function's name.
    pub function: &'a str,
    /// One value per parameter (for a method: per parameter after the instance).
    pub args: &'a [Value],
    /// For a method: the values for its resource's constructor.
    pub constructor_args: &'a [Value],
}

/// Why a form's invocation is not a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormCallError {
    /// The port or function is not (or no longer) exported.
    #[error("there is no exported function `{function}` in `{port}`: it may have changed on disk")]
    UnknownFunction {
        /// The port asked for.
        port: String,
        /// The function asked for.
        function: String,
    },
    /// A method of a resource without a constructor: no instance can be made for it.
    #[error(
        "resource `{resource}` has no constructor, so its methods cannot run on an instance made for them"
    )]
    NoConstructor {
        /// The resource.
        resource: String,
    },
    /// A value does not fit its parameter.
    #[error("{0}")]
    InvalidArguments(String),
}

/// The WAVE call for `call` among `exports`.
///
/// # Errors
/// [`FormCallError`] saying what does not fit.
pub fn form_call(exports: &[Port], call: &FormCall<'_>) -> Result<String, FormCallError> {
    let unknown = || FormCallError::UnknownFunction {
        port: call.port.to_string(),
        function: call.function.to_string(),
    };
    let port = exports
        .iter()
        .find(|p| p.name == call.port)
        .ok_or_else(unknown)?;
    let function = port
        .functions
        .iter()
        .find(|f| f.name == call.function)
        .ok_or_else(unknown)?;
    let text = match (function.kind, &function.resource) {
        (FunctionKind::Method, Some(resource)) => {
            let constructor = port
                .functions
                .iter()
                .find(|f| {
                    f.kind == FunctionKind::Constructor && f.resource.as_ref() == Some(resource)
                })
                .ok_or_else(|| FormCallError::NoConstructor {
                    resource: resource.clone(),
                })?;
            wave_method_call(constructor, call.constructor_args, function, call.args)
        }
        _ => wave_call(function, call.args),
    }
    .map_err(FormCallError::InvalidArguments)?;
    Ok(match port.kind {
        PortKind::Function => text,
        _ => names::qualified(&port.name, &text),
    })
}
