/**
 * The core's key vault on Android: each secret (the device's signing seed) is encrypted with an
 * AES-256-GCM key that lives in the AndroidKeyStore (in secure hardware where the phone has it,
 * StrongBox if available) and never leaves it; only the wrapped secret is written, to the app's
 * private files.
 *
 * Keep [dir] under `noBackupFilesDir`: a wrapped secret restored to another phone could not be
 * unwrapped there anyway, and the signing key must stay on the phone that holds it. The name is
 * bound to its ciphertext (GCM associated data), so a file cannot be passed off under another
 * name. As the core requires, a name is sealed once and never replaced.
 */
package org.casetrail.android

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import java.util.Base64
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import org.casetrail.CaseTrailException
import org.casetrail.KeyVault

class AndroidKeyStoreVault(
    private val dir: File,
    private val alias: String = "casetrail.vault",
) : KeyVault {
    private val lock = Any()

    override fun seal(name: String, secret: ByteArray) {
        guarded("seal") { synchronized(lock) { write(name, secret) } }
    }

    override fun unseal(name: String): ByteArray? = guarded("unseal") { read(name) }

    private fun write(name: String, secret: ByteArray) {
        val file = fileOf(name)
        if (file.exists()) throw CaseTrailException.KeyVault("$name is already sealed")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, key())
        cipher.updateAAD(name.toByteArray())
        val sealed = cipher.doFinal(secret)
        val iv = cipher.iv
        dir.mkdirs()
        val tmp = File(dir, file.name + ".tmp")
        FileOutputStream(tmp).use { out ->
            out.write(byteArrayOf(FORMAT, iv.size.toByte()))
            out.write(iv)
            out.write(sealed)
            out.fd.sync()
        }
        if (!tmp.renameTo(file)) throw IOException("cannot store the sealed secret")
    }

    private fun read(name: String): ByteArray? {
        val file = fileOf(name)
        if (!file.exists()) return null
        val bytes = file.readBytes()
        if (bytes.size < 2 || bytes[0] != FORMAT) throw IOException("unknown sealed format")
        val ivSize = bytes[1].toInt() and 0xff
        if (bytes.size <= 2 + ivSize) throw IOException("truncated sealed secret")
        val key = existingKey() ?: throw GeneralSecurityException("the wrapping key is gone")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, bytes, 2, ivSize))
        cipher.updateAAD(name.toByteArray())
        return cipher.doFinal(bytes, 2 + ivSize, bytes.size - 2 - ivSize)
    }

    private fun fileOf(name: String) =
        File(dir, Base64.getUrlEncoder().withoutPadding().encodeToString(name.toByteArray()) + ".sealed")

    private fun keyStore(): KeyStore = KeyStore.getInstance(KEYSTORE).apply { load(null) }

    private fun existingKey(): SecretKey? = (keyStore().getEntry(alias, null) as? KeyStore.SecretKeyEntry)?.secretKey

    private fun key(): SecretKey = existingKey() ?: generate(strongBox = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P)

    private fun generate(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
        if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) spec.setIsStrongBoxBacked(true)
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        return try {
            generator.init(spec.build())
            generator.generateKey()
        } catch (e: ProviderException) {
            // No StrongBox on this phone: the TEE (or software keystore) it is.
            if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P && e is StrongBoxUnavailableException) {
                generate(strongBox = false)
            } else {
                throw e
            }
        }
    }

    /** Every failure reaches the core as the vault's own error, without secret material. */
    private inline fun <T> guarded(what: String, block: () -> T): T =
        try {
            block()
        } catch (e: CaseTrailException) {
            throw e
        } catch (e: GeneralSecurityException) {
            throw CaseTrailException.KeyVault("AndroidKeyStore $what failed: ${e.javaClass.simpleName}")
        } catch (e: IOException) {
            throw CaseTrailException.KeyVault("AndroidKeyStore $what failed: ${e.javaClass.simpleName}")
        } catch (e: ProviderException) {
            throw CaseTrailException.KeyVault("AndroidKeyStore $what failed: ${e.javaClass.simpleName}")
        }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val TAG_BITS = 128
        const val FORMAT: Byte = 1
    }
}
