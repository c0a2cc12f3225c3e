// A coroutine that is called but never awaited: rustc warns, and nothing is printed.
pub async fn say_hello() {
    println!("hello");
}

pub async fn caller() {
    say_hello(); // forgot `.await`
}
