// A Go HTTPS server asking for client certificates, for tests/probe.rs: crypto/tls with
// ClientAuth set by -mode (require: RequireAndVerifyClientCert, ifgiven:
// VerifyClientCertIfGiven), ClientCAs from -clientcas (its subjects are the CertificateRequest's
// CA names). It answers every request with 200 "ok" and prints "listening" once it accepts.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address")
	cert := flag.String("cert", "", "server certificate")
	key := flag.String("key", "", "server key")
	clientCAs := flag.String("clientcas", "", "client CAs (PEM)")
	mode := flag.String("mode", "require", "require or ifgiven")
	flag.Parse()
	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pem, err := os.ReadFile(*clientCAs)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	auth := tls.RequireAndVerifyClientCert
	if *mode == "ifgiven" {
		auth = tls.VerifyClientCertIfGiven
	}
	config := &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: auth, ClientCAs: pool}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("listening", listener.Addr().String())
	server := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
		}),
		ErrorLog: nil,
	}
	server.Serve(tls.NewListener(listener, config))
}
