fn main() {
    eprintln!("kubeplay run: not implemented yet");
    std::process::exit(2);
}
