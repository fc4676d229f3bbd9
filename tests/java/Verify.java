// The Java side of tests/java_differential.rs: decides each case as a JSSE server does for a
// client certificate (X509TrustManagerImpl.checkClientTrusted): sun.security.validator's PKIX
// validator, variant TLS client (PKIX path validation with revocation off, then the end-entity
// checks: key usage digitalSignature, EKU clientAuth or anyExtendedKeyUsage), at the case's
// time. With CRLs (crls.pem in the case directory) the validator is built as a server configured
// with them builds its trust manager (Tomcat's certificateRevocationListFile): PKIXBuilderParameters
// over the trusted certificates, revocation enabled, the CRLs in a CertStore. The client's certificates are parsed as JSSE parses a Certificate message; a private
// key in the client's files must sign what its certificate's key verifies; the key must be one
// a TLS CertificateVerify can use (RSA, RSASSA-PSS, EC P-256/384/521, Ed25519, Ed448).
//
// Run with --add-exports java.base/sun.security.validator=ALL-UNNAMED. Arguments: case
// directories, each with chain.pem (client certificate first), roots.pem, time (Unix seconds)
// and usage ("client" or "server"), and optionally crls.pem and ocsp.der. With ocsp.der (an OCSP
// response for the client certificate, the responder's answer) revocation is enabled and a
// PKIXRevocationChecker is given it (setOcspResponses), checking the client certificate only
// (ONLY_END_ENTITY: no response is given for the others) without falling back to CRLs. Prints one line per case: "<dir>\tOK" or
// "<dir>\tFAIL\t<message>".
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.CertPathValidator;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sun.security.validator.Validator;

public class Verify {
    static final Pattern KEY = Pattern.compile(
        "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    static List<X509Certificate> certificates(byte[] pem) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(pem))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    static final Pattern CERTIFICATE =
        Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----");

    /** The certificate blocks of PEM text; with `skipBroken`, one that does not parse is left
     *  out (a trust store entry), else it fails the whole (a Certificate message). */
    static List<X509Certificate> blocks(String pem, boolean skipBroken) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        Matcher m = CERTIFICATE.matcher(pem);
        while (m.find()) {
            try {
                out.addAll(certificates(m.group().getBytes()));
            } catch (Exception e) {
                if (!skipBroken) {
                    throw e;
                }
            }
        }
        return out;
    }

    static void checkKey(String files, X509Certificate leaf) throws Exception {
        Matcher m = KEY.matcher(files);
        if (!m.find()) {
            return;
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        String algorithm = leaf.getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        String scheme = switch (algorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> algorithm;
        };
        Signature signer = Signature.getInstance(scheme);
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(scheme);
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        if (!verifier.verify(signature)) {
            throw new Exception("the private key does not belong to the client certificate");
        }
    }

    static void checkHandshakeKey(X509Certificate leaf) throws Exception {
        var key = leaf.getPublicKey();
        switch (key.getAlgorithm()) {
            case "RSA", "RSASSA-PSS", "Ed25519", "Ed448", "EdDSA" -> { }
            case "EC" -> {
                int bits = ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
                if (bits != 256 && bits != 384 && bits != 521) {
                    throw new Exception("no TLS signature scheme for an EC key of " + bits + " bits");
                }
            }
            default -> throw new Exception("unsupported client key " + key.getAlgorithm());
        }
    }

    static void decide(Path dir) throws Exception {
        String chainText = Files.readString(dir.resolve("chain.pem"));
        List<X509Certificate> chain = blocks(chainText, false);
        if (chain.isEmpty()) {
            throw new Exception("no client certificate");
        }
        checkKey(chainText, chain.get(0));
        List<X509Certificate> trusted = blocks(Files.readString(dir.resolve("roots.pem")), true);
        long time = Long.parseLong(Files.readString(dir.resolve("time")).trim());
        boolean server = Files.readString(dir.resolve("usage")).trim().equals("server");
        String variant = server ? Validator.VAR_TLS_SERVER : Validator.VAR_TLS_CLIENT;
        Path crlFile = dir.resolve("crls.pem");
        Path ocspFile = dir.resolve("ocsp.der");
        Validator validator;
        if (Files.exists(ocspFile)) {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : trusted) {
                anchors.add(new TrustAnchor(c, null));
            }
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, null);
            params.setRevocationEnabled(true);
            PKIXRevocationChecker checker =
                (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
            checker.setOcspResponses(Map.of(chain.get(0), Files.readAllBytes(ocspFile)));
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                PKIXRevocationChecker.Option.NO_FALLBACK));
            params.addCertPathChecker(checker);
            params.setDate(new Date(time * 1000));
            validator = Validator.getInstance(Validator.TYPE_PKIX, variant, params);
        } else if (Files.exists(crlFile)) {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : trusted) {
                anchors.add(new TrustAnchor(c, null));
            }
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, null);
            params.setRevocationEnabled(true);
            List<X509CRL> crls = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var crl : factory.generateCRLs(new ByteArrayInputStream(Files.readAllBytes(crlFile)))) {
                crls.add((X509CRL) crl);
            }
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            params.setDate(new Date(time * 1000));
            validator = Validator.getInstance(Validator.TYPE_PKIX, variant, params);
        } else {
            validator = Validator.getInstance(Validator.TYPE_PKIX, variant, (Collection<X509Certificate>) trusted);
        }
        validator.setValidationDate(new Date(time * 1000));
        validator.validate(chain.toArray(new X509Certificate[0]), null, Collections.emptyList(), null,
            server ? "UNKNOWN" : null);
        checkHandshakeKey(chain.get(0));
    }

    public static void main(String[] args) {
        for (String arg : args) {
            Path dir = Path.of(arg);
            try {
                decide(dir);
                System.out.println(dir.getFileName() + "\tOK");
            } catch (Throwable e) {
                System.out.println(dir.getFileName() + "\tFAIL\t" + String.valueOf(e).replace('\n', ' '));
            }
        }
    }
}
