//! Rules about the client as a whole: servers, `DEFAULT_BASE_URL`, `server_url`, the API's title,
//! version and description.

use crate::model::Server;

use super::markdown::code;
use super::report::{change, GroupKind};
use super::side::Side;
use super::Cx;
use super::Severity::{Breaking, NonBreaking};

impl Cx<'_> {
    pub(super) fn api(&mut self) {
        let (old, new) = (&self.old.api, &self.new.api);
        let module = self.new.module;
        let mut changes = Vec::new();
        let absolute = |s: &&Server| s.url.starts_with("http://") || s.url.starts_with("https://");
        let (old_server, new_server) = (old.servers.first().filter(absolute), new.servers.first().filter(absolute));
        let client = format!("{module}::Client");
        let default_url =
            |s: Option<&Server>| s.filter(|s| !s.has_variables()).map(|s| s.url.trim_end_matches('/').to_owned());
        match (default_url(old_server), default_url(new_server)) {
            (Some(url), None) => changes.push(change(
                Breaking,
                "default-base-url-removed",
                format!("{client}::DEFAULT_BASE_URL"),
                format!("removed (was {}); `Client::from_env` now needs the base URL variable", code(&url)),
            )),
            (None, Some(url)) => changes.push(change(
                NonBreaking,
                "default-base-url-added",
                format!("{client}::DEFAULT_BASE_URL"),
                format!("added: {}", code(&url)),
            )),
            _ => {}
        }
        if let (Some(a), Some(b)) = (old_server, new_server) {
            if origin(&a.url) != origin(&b.url) {
                let item = if b.has_variables() {
                    format!("{client}::server_url")
                } else {
                    format!("{client}::DEFAULT_BASE_URL")
                };
                changes.push(change(
                    NonBreaking,
                    "server-changed",
                    item,
                    format!("server {} (was {})", code(origin(&b.url)), code(origin(&a.url))),
                ));
            }
        }
        let variables =
            |side: &Side| -> Vec<String> { side.names.server_variables.iter().map(|(_, n)| n.clone()).collect() };
        let (old_vars, new_vars) = (variables(self.old), variables(self.new));
        let has_fn = |s: Option<&Server>| s.is_some_and(Server::has_variables);
        match (has_fn(old_server), has_fn(new_server)) {
            (true, false) => {
                changes.push(change(Breaking, "server-url-removed", format!("{client}::server_url"), "removed"))
            }
            (false, true) => changes.push(change(
                NonBreaking,
                "server-url-added",
                format!("{client}::server_url"),
                format!("added, with arguments {}", code(&new_vars.join(", "))),
            )),
            (true, true) if old_vars != new_vars => changes.push(change(
                Breaking,
                "server-variables-changed",
                format!("{client}::server_url"),
                format!("arguments are now {} (were {})", code(&new_vars.join(", ")), code(&old_vars.join(", "))),
            )),
            _ => {}
        }
        if !changes.is_empty() {
            self.push_group(GroupKind::Api, format!("`{module}::Client`"), changes);
        }
        self.doc_text(&client, "title", (Some(&old.title), Some(&new.title)), ("/info/title", "/info/title"));
        self.doc_text(&client, "version", (Some(&old.version), Some(&new.version)), ("/info/version", "/info/version"));
        self.doc_text(
            module,
            "description",
            (old.description.as_deref(), new.description.as_deref()),
            ("/info/description", "/info/description"),
        );
    }
}

/// Scheme and authority of a server URL, placeholders kept: `https://{datacenter}`.
fn origin(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            &url[..i + 3 + rest.find('/').unwrap_or(rest.len())]
        }
        None => "",
    }
}
