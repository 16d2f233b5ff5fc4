#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Status lines belong to the group they concern (issue 14, item 4):
//! after acting on group "big", group "team" does not show big's status
//! or outputs; back on "big", they are there again.

#[path = "support/gui.rs"]
mod gui;

use gui::{TempDir, alice_team, click, open_groups, settle, status_text};
use mls_inspector::workspace::{GroupOptions, Workspace};

#[test]
fn a_status_line_stays_with_its_group() {
    let dir = TempDir::new("groups-status");
    let db = dir.file("ws.sqlite");
    let ws = Workspace::open(&db).unwrap();
    let team = alice_team(&ws);
    let alice = ws.identities().unwrap()[0].key;
    let big = ws
        .group_create(
            alice,
            &GroupOptions {
                name: Some("big".into()),
                ..GroupOptions::default()
            },
        )
        .unwrap()
        .key;

    let mut h = open_groups(&db, Some(big));
    click(&mut h, "Update");
    click(&mut h, "Apply");
    let big_status = status_text(&mut h);
    let epoch = ws.group_row(big).unwrap().epoch;
    assert!(
        big_status.contains(&format!("epoch {epoch}")),
        "{big_status}"
    );
    let big_outputs = h.state_mut().groups().outputs().len();

    h.state_mut().groups().select(Some(team));
    settle(&mut h);
    assert_eq!(status_text(&mut h), "", "big's status shown on team");
    assert!(h.state_mut().groups().outputs().is_empty());

    h.state_mut().groups().select(Some(big));
    settle(&mut h);
    assert_eq!(status_text(&mut h), big_status);
    assert_eq!(h.state_mut().groups().outputs().len(), big_outputs);
}
