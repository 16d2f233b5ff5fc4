//! `mls-inspector settings [--set KEY=VALUE…]`: the workspace default of
//! group settings; and the text and JSON views of settings that
//! `group settings` shares.

use clap::Args;
use serde_json::{Map, Value};

use super::common::{Done, Failure, WorkspaceOpts, finish};
use crate::workspace::{GroupSettings, SETTING_KEYS, WorkspaceError};

/// `mls-inspector settings [--db PATH] [--json] [--set KEY=VALUE…]`
#[derive(Debug, Args)]
pub struct SettingsArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    /// Change the default: KEY=VALUE, repeatable and several per --set;
    /// all or nothing.
    #[arg(long = "set", value_name = "KEY=VALUE", num_args = 1..)]
    pub set: Vec<String>,
}

/// Runs `settings`; returns the exit status.
pub fn run(args: SettingsArgs) -> u8 {
    finish("settings", args.ws.json, default_settings(&args))
}

fn default_settings(args: &SettingsArgs) -> Result<Done, Failure> {
    let ws = args.ws.open()?;
    let settings = if args.set.is_empty() {
        ws.default_group_settings()?
    } else {
        ws.set_default_group_settings(&args.set)
            .map_err(setting_failure)?
    };
    let mut json = Map::new();
    json.insert("settings".into(), settings_json(&settings));
    json.insert(
        "defaults".into(),
        settings_json(&GroupSettings::recommended()),
    );
    Done::new(settings_text(&settings), &Value::Object(json))
}

/// A refused setting is an unusable argument (exit 2); other errors as
/// usual.
pub fn setting_failure(e: WorkspaceError) -> Failure {
    match e {
        WorkspaceError::Setting(s) => Failure::usage(s.to_string()),
        e => e.into(),
    }
}

/// `key=value` lines; a value differing from the recommended default
/// shows it, the others are marked `(default)`.
pub fn settings_text(settings: &GroupSettings) -> String {
    let defaults = GroupSettings::recommended();
    let mut text = String::new();
    for (key, value) in settings.pairs() {
        let default = defaults.value(key).unwrap_or_default();
        if value == default {
            text.push_str(&format!("{key}={value}  (default)\n"));
        } else {
            text.push_str(&format!("{key}={value}  (default: {default})\n"));
        }
    }
    text
}

/// An object of every key: numbers as numbers, the rest as text.
pub fn settings_json(settings: &GroupSettings) -> Value {
    let mut map = Map::new();
    for key in SETTING_KEYS {
        let text = settings.value(key.key).unwrap_or_default();
        let value = match text.parse::<u64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::from(text),
        };
        map.insert(key.key.into(), value);
    }
    Value::Object(map)
}
