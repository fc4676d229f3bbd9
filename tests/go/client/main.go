// A Go crypto/tls client for tests/s_client.rs: does Go send its client certificate to this
// server? It connects with Certificates set to the given chain and key (Go's default choice,
// no GetClientCertificate) to an `openssl s_server -verify 1 -www`, which requests a client
// certificate without requiring it and shows on its page whether one arrived.
//
// Usage: client HOST:PORT CHAIN.pem KEY.pem. Prints "sent" or "not sent".
package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: client HOST:PORT CHAIN.pem KEY.pem")
		os.Exit(2)
	}
	pair, err := tls.LoadX509KeyPair(os.Args[2], os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	conn, err := tls.Dial("tcp", os.Args[1], &tls.Config{
		Certificates:       []tls.Certificate{pair},
		InsecureSkipVerify: true, // the server's own certificate is not the subject here
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	fmt.Fprint(conn, "GET / HTTP/1.0\r\n\r\n")
	page, _ := io.ReadAll(bufio.NewReader(conn))
	if strings.Contains(string(page), "no client certificate available") {
		fmt.Println("not sent")
	} else if strings.Contains(string(page), "BEGIN CERTIFICATE") {
		fmt.Println("sent")
	} else {
		fmt.Fprintln(os.Stderr, "unexpected page:", string(page))
		os.Exit(1)
	}
}
