// The Go side of tests/go_differential.rs: decides each case exactly as crypto/tls does for a
// server with ClientAuth: tls.RequireAndVerifyClientCert (processCertsFromClient in
// crypto/tls/handshake_server.go): every certificate the client sends is parsed, RSA keys above
// 8192 bits are refused, the first is verified with x509.VerifyOptions{Roots: ClientCAs,
// CurrentTime, Intermediates: the rest, KeyUsages: ClientAuth}, and its public key must be one
// crypto/tls can check a CertificateVerify with. Roots that do not parse are skipped, as
// CertPool.AppendCertsFromPEM skips them. CRLs are not an input: Go never checks them.
//
// A Go client first loads its certificate and key with tls.X509KeyPair, which refuses a key that
// does not belong to the certificate; when the client's files hold a key, that is checked too.
//
// Input (stdin): a JSON array of {"name", "chain": [PEM...], "roots": [PEM...], "time": unix}.
// Output (stdout): one JSON object per case: {"name", "ok", "error"}.
package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"time"
)

type testCase struct {
	Name  string   `json:"name"`
	Chain []string `json:"chain"`
	Roots []string `json:"roots"`
	Time  int64    `json:"time"`
	// "server" requires serverAuth instead of clientAuth (some x509-limbo cases).
	Usage string `json:"usage"`
}

type result struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

// blocks returns every PEM block of the client's or the server's files, in order.
func blocks(pems []string) []*pem.Block {
	var out []*pem.Block
	for _, text := range pems {
		rest := []byte(text)
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			out = append(out, block)
		}
	}
	return out
}

func ders(pems []string) [][]byte {
	var out [][]byte
	for _, block := range blocks(pems) {
		if block.Type == "CERTIFICATE" {
			out = append(out, block.Bytes)
		}
	}
	return out
}

// keyPEM returns the first private key block of the client's files, if any.
func keyPEM(pems []string) []byte {
	for _, block := range blocks(pems) {
		if strings.HasSuffix(block.Type, "PRIVATE KEY") {
			return pem.EncodeToMemory(block)
		}
	}
	return nil
}

func decide(c testCase) error {
	if key := keyPEM(c.Chain); key != nil && len(c.Chain) > 0 {
		if _, err := tls.X509KeyPair([]byte(c.Chain[0]), key); err != nil {
			return err
		}
	}
	chain := ders(c.Chain)
	if len(chain) == 0 {
		return fmt.Errorf("tls: client didn't provide a certificate")
	}
	certs := make([]*x509.Certificate, len(chain))
	for i, der := range chain {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("tls: failed to parse client certificate: %v", err)
		}
		if cert.PublicKeyAlgorithm == x509.RSA && cert.PublicKey.(*rsa.PublicKey).N.BitLen() > 8192 {
			return fmt.Errorf("tls: client sent certificate containing RSA key larger than 8192 bits")
		}
		certs[i] = cert
	}
	roots := x509.NewCertPool()
	for _, der := range ders(c.Roots) {
		if cert, err := x509.ParseCertificate(der); err == nil {
			roots.AddCert(cert)
		}
	}
	opts := x509.VerifyOptions{
		Roots:         roots,
		CurrentTime:   time.Unix(c.Time, 0),
		Intermediates: x509.NewCertPool(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if c.Usage == "server" {
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	for _, cert := range certs[1:] {
		opts.Intermediates.AddCert(cert)
	}
	if _, err := certs[0].Verify(opts); err != nil {
		return err
	}
	switch key := certs[0].PublicKey.(type) {
	case *rsa.PublicKey:
		// crypto/rsa verifies no signature from a key below 1024 bits: the CertificateVerify fails.
		if key.N.BitLen() < 1024 {
			return fmt.Errorf("crypto/rsa: %d-bit keys are insecure", key.N.BitLen())
		}
	case *ecdsa.PublicKey:
		// The CertificateVerify schemes: ECDSA with P-256, P-384, P-521.
		switch key.Curve.Params().Name {
		case "P-256", "P-384", "P-521":
		default:
			return fmt.Errorf("tls: unsupported ECDSA curve %s", key.Curve.Params().Name)
		}
	case ed25519.PublicKey:
	default:
		return fmt.Errorf("tls: client certificate contains an unsupported public key of type %T", key)
	}
	return nil
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	for _, c := range cases {
		err := decide(c)
		r := result{Name: c.Name, OK: err == nil}
		if err != nil {
			r.Error = err.Error()
		}
		if err := out.Encode(r); err != nil {
			os.Exit(2)
		}
	}
}
