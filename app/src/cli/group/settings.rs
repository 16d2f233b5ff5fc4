//! `group settings GROUP [--set KEY=VALUE…]`: one member's settings for a
//! group (the policy), shown or changed.

use serde_json::{Map, Value};

use super::args::GroupSettingsArgs;
use crate::cli::common::{Done, Failure, WorkspaceOpts};
use crate::cli::settings::{setting_failure, settings_json, settings_text};
use crate::workspace::GroupSettings;

pub(super) fn settings(opts: &WorkspaceOpts, args: &GroupSettingsArgs) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    let settings = if args.set.is_empty() {
        ws.group_settings(row.key)?
    } else {
        ws.set_group_settings(row.key, &args.set)
            .map_err(setting_failure)?
    };
    let mut json = Map::new();
    json.insert("group".into(), Value::from(row.key.0));
    json.insert("group_id".into(), Value::from(row.group_id_hex.clone()));
    json.insert("settings".into(), settings_json(&settings));
    json.insert(
        "defaults".into(),
        settings_json(&GroupSettings::recommended()),
    );
    let text = format!(
        "group {} ({})\n{}",
        row.key,
        row.name,
        settings_text(&settings)
    );
    Done::new(text, &Value::Object(json))
}
