package io.crashwatch.killswitch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys (the JDK's own) in the PEM files OpenSSL writes and reads: {@code openssl genpkey
 * -algorithm ed25519} makes a private key, {@code openssl pkey -pubout} its public key. A key's id is
 * derived from its public key, so nobody configures one and no two keys share one.
 */
public final class Ed25519Keys {
  static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private Ed25519Keys() {
  }

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519", e);
    }
  }

  /** The first 8 bytes of the SHA-256 of the public key's encoding, in hex. */
  public static String keyId(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  /**
   * The public key of a private one. A PKCS#8 file need not hold it; an Ed25519 key pair is a
   * function of the private key's 32 bytes, which the JDK's generator takes as its randomness.
   */
  public static PublicKey publicOf(PrivateKey key) {
    byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow(() -> new IllegalArgumentException("the private key hides its bytes"));
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(255, new SecureRandom() {
        @Override
        public void nextBytes(byte[] bytes) {
          System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
      });
      return generator.generateKeyPair().getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519", e);
    }
  }

  /** Generates a key pair into two PEM files; the private one is its owner's alone where the file system says so. */
  public static KeyPair generateInto(Path privateFile, Path publicFile) throws IOException {
    KeyPair pair = generate();
    writePrivate(privateFile, pair.getPrivate());
    writePublic(publicFile, pair.getPublic());
    return pair;
  }

  public static void writePrivate(Path file, PrivateKey key) throws IOException {
    Files.deleteIfExists(file);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(file, pem(PRIVATE, key.getEncoded()));
  }

  public static void writePublic(Path file, PublicKey key) throws IOException {
    Files.writeString(file, pem(PUBLIC, key.getEncoded()));
  }

  /** @throws IllegalArgumentException naming the file when it holds no Ed25519 private key */
  public static PrivateKey readPrivate(Path file) throws IOException {
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(file, PRIVATE)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " holds no Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /** @throws IllegalArgumentException naming the file when it holds no Ed25519 public key */
  public static PublicKey readPublic(Path file) throws IOException {
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(file, PUBLIC)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " holds no Ed25519 public key: " + e.getMessage(), e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static byte[] der(Path file, String type) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file + " is not a PEM file with a " + type + " block");
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }
}
