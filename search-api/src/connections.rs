//! Serving connections with limits on slow clients: a connection whose request headers do not
//! arrive within [`ServerConfig::header_timeout`](crate::ServerConfig) is closed (slowloris),
//! and a request body that stalls longer than `body_timeout` between two pieces ends with an
//! error. axum's own `serve` has neither. Each request carries the peer's address
//! (`ConnectInfo`), which [`crate::extract::ClientAddress`] reads.

use axum::body::Body;
use axum::extract::ConnectInfo;
use futures_core::Stream;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Accepts connections on `listener` and serves `app` on each until `shutdown` completes; then
/// lets every open connection finish its request and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    header_timeout: Duration,
    body_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let (closing, _) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, a connection reset before it was accepted: the
                    // listener itself is fine. Pause so that a persistent error does not spin.
                    tracing::warn!("could not accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let mut closing = closing.subscribe();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let mut request = request.map(|body| timed_body(Body::new(body), body_timeout));
                request.extensions_mut().insert(ConnectInfo(peer));
                let mut app = app.clone();
                async move { tower_service::Service::call(&mut app, request).await }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, "connection ended: {e}");
                    }
                }
                _ = closing.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    let _ = closing.send(true);
    // Every connection holds a receiver until it has finished.
    closing.closed().await;
    Ok(())
}

fn timed_body(body: Body, stall: Duration) -> Body {
    Body::from_stream(TimedBody {
        inner: body.into_data_stream(),
        stall,
        timer: None,
    })
}

/// A request body that fails if no piece arrives for `stall` while it is being read (the clock
/// starts when a handler first waits for it, not when the request arrived).
struct TimedBody {
    inner: axum::body::BodyDataStream,
    stall: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Stream for TimedBody {
    type Item = Result<axum::body::Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(item) => {
                self.timer = None;
                Poll::Ready(item.map(|r| r.map_err(std::io::Error::other)))
            }
            Poll::Pending => {
                let stall = self.stall;
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "the request body stalled for more than {} s",
                            stall.as_secs()
                        ),
                    )))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}
