//! Decoding a large Welcome (about 1 MiB: a group adding 6,000 members at
//! once) strictly, and dissecting it into the inspector's field tree.
//!
//! `cargo bench -p mls-core --bench decode`

use criterion::{Criterion, criterion_group, criterion_main};
use mls_core::codec::{Decode, Encode, VlBytes};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::inspect;
use mls_core::messages::{EncryptedGroupSecrets, HpkeCiphertextWire, Welcome};

/// A Welcome shaped like a real one for suite 1: per new member a 32-byte
/// KeyPackageRef, a 32-byte KEM output and an encrypted GroupSecrets of
/// about 100 bytes; the encrypted GroupInfo carries the ratchet tree.
fn large_welcome(members: usize) -> Vec<u8> {
    let secrets = (0..members)
        .map(|i| {
            let b = (i % 251) as u8;
            EncryptedGroupSecrets {
                new_member: VlBytes(vec![b; 32]),
                encrypted_group_secrets: HpkeCiphertextWire {
                    kem_output: VlBytes(vec![b ^ 0x55; 32]),
                    ciphertext: VlBytes(vec![b ^ 0xaa; 100]),
                },
            }
        })
        .collect();
    let welcome = Welcome {
        cipher_suite: 1,
        secrets,
        encrypted_group_info: VlBytes(vec![7; members * 8]),
    };
    MlsMessage::new(MlsMessageBody::Welcome(welcome))
        .to_bytes()
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let bytes = large_welcome(6_000);
    eprintln!("Welcome size: {} bytes", bytes.len());
    c.bench_function("decode_welcome_1MiB", |b| {
        b.iter(|| MlsMessage::decode_exact(std::hint::black_box(&bytes)).is_ok())
    });
    c.bench_function("dissect_welcome_1MiB", |b| {
        b.iter(|| inspect::dissect(std::hint::black_box(&bytes)).fields.len())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
