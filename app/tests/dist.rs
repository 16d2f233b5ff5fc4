#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The desktop integration files in `dist/`: the desktop entry and the
//! AppStream metainfo name the binary, the window class
//! ([`mls_inspector::gui::APP_ID`]) and each other, and `dist/install.sh`
//! installs everything under a prefix and removes it again.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use mls_inspector::gui::APP_ID;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn binary_name() -> String {
    Path::new(env!("CARGO_BIN_EXE_mls-inspector"))
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned()
}

fn desktop_path() -> PathBuf {
    repo().join("dist").join(format!("{APP_ID}.desktop"))
}

/// The keys of the `[Desktop Entry]` group.
fn desktop_entry(text: &str) -> Vec<(String, String)> {
    let mut in_group = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_group = line == "[Desktop Entry]";
        } else if in_group
            && !line.starts_with('#')
            && let Some((k, v)) = line.split_once('=')
        {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

fn key<'a>(entry: &'a [(String, String)], name: &str) -> &'a str {
    let values: Vec<_> = entry.iter().filter(|(k, _)| k == name).collect();
    assert_eq!(values.len(), 1, "{name} once in the desktop entry");
    &values[0].1
}

/// The metainfo file: exactly one in `dist/`.
fn metainfo_path() -> PathBuf {
    let found: Vec<PathBuf> = fs::read_dir(repo().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".metainfo.xml"))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

/// The XML with its `<!-- … -->` comments removed.
fn without_comments(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<!--") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find("-->").unwrap();
        rest = &rest[at + end + 3..];
    }
    out.push_str(rest);
    out
}

/// The text of every `<tag …>text</tag>` element.
fn elements(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        // `<category` must not match `<categories>`.
        if !after.starts_with(['>', ' ']) {
            rest = after;
            continue;
        }
        let gt = after.find('>').unwrap();
        let body = &after[gt + 1..];
        let end = body.find(&close).unwrap();
        out.push(body[..end].trim().to_owned());
        rest = &body[end..];
    }
    out
}

#[test]
fn desktop_entry_names_the_binary_and_window_class() {
    let text = fs::read_to_string(desktop_path()).unwrap();
    let entry = desktop_entry(&text);
    assert_eq!(key(&entry, "Type"), "Application");
    let exec = key(&entry, "Exec");
    assert_eq!(exec.split_whitespace().next(), Some(binary_name().as_str()));
    assert_eq!(key(&entry, "Icon"), APP_ID);
    assert_eq!(key(&entry, "StartupWMClass"), APP_ID);
    assert_eq!(key(&entry, "Terminal"), "false");
    assert!(!key(&entry, "Name").is_empty());

    // The icons it names are there: the SVG and a 256×256 PNG.
    let svg = fs::read_to_string(repo().join("assets/icon.svg")).unwrap();
    assert!(svg.contains("<svg"));
    let png = fs::read(repo().join("assets/icon.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (256, 256));
}

#[test]
fn metainfo_names_the_desktop_entry_and_binary() {
    let path = metainfo_path();
    let xml = without_comments(&fs::read_to_string(&path).unwrap());
    assert!(xml.contains(r#"<component type="desktop-application">"#));
    let id = elements(&xml, "id");
    assert_eq!(id.len(), 1);
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        format!("{}.metainfo.xml", id[0])
    );
    assert_eq!(elements(&xml, "launchable"), [format!("{APP_ID}.desktop")]);
    assert!(xml.contains(r#"<launchable type="desktop-id">"#));
    assert_eq!(elements(&xml, "binary"), [binary_name()]);
    assert_eq!(
        elements(&xml, "project_license"),
        [env!("CARGO_PKG_LICENSE")]
    );
    assert_eq!(elements(&xml, "metadata_license"), ["CC0-1.0"]);
    assert!(xml.contains("<content_rating"));
    // The desktop entry's main categories are listed too.
    let desktop = fs::read_to_string(desktop_path()).unwrap();
    let entry = desktop_entry(&desktop);
    let categories = elements(&xml, "category");
    for c in key(&entry, "Categories")
        .split(';')
        .filter(|c| !c.is_empty())
    {
        assert!(categories.iter().any(|x| x == c), "category {c}");
    }

    // Validated where appstreamcli is installed (`apt-get install appstream`).
    if let Ok(out) = Command::new("appstreamcli")
        .args(["validate", "--no-net"])
        .arg(&path)
        .output()
    {
        assert!(
            out.status.success(),
            "appstreamcli validate:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[cfg(unix)]
#[test]
fn install_script_installs_and_uninstalls() {
    use std::os::unix::fs::PermissionsExt as _;

    let tmp = std::env::temp_dir().join(format!("mls-inspector-dist-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).unwrap();
    let fake = tmp.join("fake-binary");
    fs::write(&fake, "#!/bin/sh\necho fake mls-inspector\n").unwrap();
    let prefix = tmp.join("prefix dir");
    let script = repo().join("dist/install.sh");
    let metainfo = metainfo_path();
    let metainfo_name = metainfo.file_name().unwrap();

    let run = |args: &[&str]| {
        let out = Command::new("sh")
            .arg(&script)
            .args(args)
            .arg("--prefix")
            .arg(&prefix)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "install.sh {args:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["--no-build", "--binary", fake.to_str().unwrap()]);

    let installed = [
        prefix.join("bin").join(binary_name()),
        prefix.join(format!("share/icons/hicolor/scalable/apps/{APP_ID}.svg")),
        prefix.join(format!("share/icons/hicolor/256x256/apps/{APP_ID}.png")),
        prefix.join(format!("share/applications/{APP_ID}.desktop")),
        prefix.join("share/metainfo").join(metainfo_name),
    ];
    for f in &installed {
        assert!(f.is_file(), "{} installed", f.display());
    }
    let bin = &installed[0];
    assert_eq!(fs::read(bin).unwrap(), fs::read(&fake).unwrap());
    assert_eq!(
        fs::metadata(bin).unwrap().permissions().mode() & 0o777,
        0o755
    );
    assert_eq!(
        fs::read(&installed[2]).unwrap(),
        fs::read(repo().join("assets/icon.png")).unwrap()
    );
    assert_eq!(
        fs::read(&installed[4]).unwrap(),
        fs::read(&metainfo).unwrap()
    );
    // The prefix is not on PATH: the entry runs the installed binary by path.
    let entry = desktop_entry(&fs::read_to_string(&installed[3]).unwrap());
    assert_eq!(key(&entry, "Exec"), format!("\"{}\"", bin.display()));
    assert_eq!(key(&entry, "Icon"), APP_ID);
    assert_eq!(key(&entry, "StartupWMClass"), APP_ID);

    // Installing again over it works; uninstalling removes every file.
    run(&["--binary", fake.to_str().unwrap()]);
    run(&["--uninstall"]);
    for f in &installed {
        assert!(!f.exists(), "{} removed", f.display());
    }
    fs::remove_dir_all(&tmp).unwrap();
}
