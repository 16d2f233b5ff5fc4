//! Group operations (RFC 9420 §12). For now: opening and sealing Welcome
//! messages and signing GroupInfo.

mod welcome;

pub use welcome::{
    WelcomeError, decrypt_group_info, decrypt_group_secrets, encrypt_group_info,
    encrypt_group_secrets, find_secrets, group_info_tbs, sign_group_info, verify_group_info,
    welcome_key_nonce,
};
