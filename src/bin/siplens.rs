//! The siplens command-line tool.
fn main() {
    println!("siplens {}", env!("CARGO_PKG_VERSION"));
}
