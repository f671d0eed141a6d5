/* Type 1 eexec encryption and decryption (Adobe Type 1 Font Format, section 7.2), in C.
 *
 * formgen.pdf.type1 removes the /UniqueID that LibreOffice writes into every Type 1 font it
 * embeds; the id sits near the start of the encrypted part, and the cipher feeds each byte
 * back into the key, so the whole part after it is decrypted and encrypted again: about
 * 400 KB per packet. The loop is the same as type1.py's pure-Python one, which stays as the
 * fallback when this module could not be built; here it runs some hundred times faster and
 * without the interpreter lock.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define EEXEC_C1 52845u
#define EEXEC_C2 22719u

static PyObject *run(PyObject *args, int encrypt)
{
    Py_buffer in;
    unsigned int key = 55665u;
    if (!PyArg_ParseTuple(args, "y*|I", &in, &key))
        return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, in.len);
    if (out == NULL) {
        PyBuffer_Release(&in);
        return NULL;
    }
    const unsigned char *src = (const unsigned char *)in.buf;
    unsigned char *dst = (unsigned char *)PyBytes_AS_STRING(out);
    Py_ssize_t length = in.len;
    unsigned int r = key & 0xFFFFu;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char cipher;
        if (encrypt) {
            cipher = (unsigned char)(src[i] ^ (r >> 8));
            dst[i] = cipher;
        } else {
            cipher = src[i];
            dst[i] = (unsigned char)(cipher ^ (r >> 8));
        }
        r = ((cipher + r) * EEXEC_C1 + EEXEC_C2) & 0xFFFFu;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&in);
    return out;
}

static PyObject *decrypt(PyObject *self, PyObject *args)
{
    (void)self;
    return run(args, 0);
}

static PyObject *encrypt(PyObject *self, PyObject *args)
{
    (void)self;
    return run(args, 1);
}

static PyMethodDef methods[] = {
    {"decrypt", decrypt, METH_VARARGS, "decrypt(data, key=55665) -> bytes: eexec decryption."},
    {"encrypt", encrypt, METH_VARARGS, "encrypt(data, key=55665) -> bytes: eexec encryption."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_eexec", "Type 1 eexec cipher (formgen.pdf.type1's fast path).", -1, methods,
};

PyMODINIT_FUNC PyInit__eexec(void)
{
    return PyModule_Create(&module);
}
