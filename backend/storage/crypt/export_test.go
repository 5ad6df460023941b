package crypt

import (
	"crypto/aes"
	gocipher "crypto/cipher"
)

func aesCipher(key []byte) (gocipher.Block, error) { return aes.NewCipher(key) }
