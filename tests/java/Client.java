// A JSSE client for tests/s_client.rs: does Java send its client certificate to this server?
// It holds the chain and key in a key store and connects with the default KeyManagerFactory
// (which picks a client alias by key type and by the server's acceptable CA names) to an
// `openssl s_server -verify 1 -www`, whose page says whether a client certificate arrived.
//
// Usage: java tests/java/Client.java HOST:PORT CHAIN.pem KEY.pem. Prints "sent" or "not sent".
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

public class Client {
    public static void main(String[] args) throws Exception {
        String[] address = args[0].split(":");
        Certificate[] chain = CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(args[1]))))
            .toArray(new Certificate[0]);
        String pem = Files.readString(Path.of(args[2]));
        byte[] der = Base64.getMimeDecoder().decode(
            pem.replaceAll("-----[A-Z ]+-----", "").trim());
        String algorithm = chain[0].getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        char[] password = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, password, chain);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        // The server's own certificate is not the subject here.
        TrustManager[] trustAll = {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }};
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trustAll, new SecureRandom());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(address[0], Integer.parseInt(address[1]))) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String page = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (page.contains("no client certificate available")) {
                System.out.println("not sent");
            } else if (page.contains("BEGIN CERTIFICATE")) {
                System.out.println("sent");
            } else {
                System.err.println("unexpected page: " + page);
                System.exit(1);
            }
        }
    }
}
