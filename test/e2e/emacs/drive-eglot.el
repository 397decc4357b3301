;;; drive-eglot.el --- Observes Vigil's language server under Emacs's eglot, in batch mode  -*- lexical-binding: t -*-
;;
;; Loads the documented eglot snippet (docs/editors.md, "Emacs (eglot)"; emacs.test.ts fills in the
;; server path and the cache dir), opens one lockfile and starts eglot in it as `M-x eglot' would.
;; It records what arrives (diagnostics, messages) with advice that only observes, waits for the
;; diagnostics to settle, asks for one hover, and writes everything to JSON.
;;
;; Environment:
;;   VIGIL_SNIPPET     the snippet file
;;   VIGIL_FILE        the lockfile to open
;;   VIGIL_HOVER       "LINE CHARACTER" (0-based) to hover at
;;   VIGIL_OUT         where to write the JSON
;;   VIGIL_SETTLE_MS   how long no new diagnostics must arrive before we stop (default 2000)
;;   VIGIL_TIMEOUT_MS  the hard limit (default 60000)

(require 'eglot)                        ; built into Emacs 29; Debian's elpa-eglot on Emacs 28
(require 'json)

;; Emacs 29 opens .json files in its built-in js-json-mode, a js-mode derivative; Emacs 28 has no
;; JSON mode at all. Define it the same way there, so the snippet runs as written.
(unless (fboundp 'js-json-mode)
  (define-derived-mode js-json-mode js-mode "JSON")
  (add-to-list 'auto-mode-alist '("\\.json\\'" . js-json-mode)))

(load (getenv "VIGIL_SNIPPET") nil t t)

(defun vigil-env-number (name default)
  (let ((value (getenv name)))
    (if (and value (not (string-empty-p value))) (string-to-number value) default)))

(defvar vigil-diagnostics (make-hash-table :test 'equal) "uri -> the latest diagnostics, as received.")
(defvar vigil-last-publish nil)
(defvar vigil-messages nil "window/showMessage and window/logMessage text.")
(defvar vigil-message-requests nil "window/showMessageRequest text: eglot would prompt for an answer.")

(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (pcase method
                ('textDocument/publishDiagnostics
                 (puthash (plist-get params :uri) (plist-get params :diagnostics) vigil-diagnostics)
                 (setq vigil-last-publish (float-time)))
                ((or 'window/showMessage 'window/logMessage)
                 (push (plist-get params :message) vigil-messages)))))

;; Recorded and answered with no choice: in batch mode eglot's own prompt would read stdin.
(advice-add 'eglot-handle-request :around
            (lambda (handle server method &rest params)
              (if (eq method 'window/showMessageRequest)
                  (progn (push (plist-get params :message) vigil-message-requests) :null)
                (apply handle server method params))))

(defun vigil-run ()
  (let* ((file (getenv "VIGIL_FILE"))
         (settle (/ (vigil-env-number "VIGIL_SETTLE_MS" 2000) 1000.0))
         (deadline (+ (float-time) (/ (vigil-env-number "VIGIL_TIMEOUT_MS" 60000) 1000.0)))
         (uri nil) (server nil) (settled nil) (hover nil) (mode nil))
    (find-file file)
    (setq mode major-mode)
    (setq uri (eglot--path-to-uri buffer-file-name))
    ;; What M-x eglot does in this buffer, without the prompt.
    (setq server (apply #'eglot (eglot--guess-contact)))
    (while (and (not settled) (< (float-time) deadline) (jsonrpc-running-p server))
      (accept-process-output nil 0.05)
      (setq settled (and vigil-last-publish (gethash uri vigil-diagnostics)
                         (>= (- (float-time) vigil-last-publish) settle))))
    (when (and settled (jsonrpc-running-p server))
      (let ((position (mapcar #'string-to-number (split-string (getenv "VIGIL_HOVER")))))
        (setq hover (jsonrpc-request server :textDocument/hover
                                     (list :textDocument (list :uri uri)
                                           :position (list :line (nth 0 position) :character (nth 1 position)))))))
    (let ((diagnostics nil))
      (maphash (lambda (key value) (push (cons key value) diagnostics)) vigil-diagnostics)
      (with-temp-file (getenv "VIGIL_OUT")
        (insert (json-encode
                 (list :settled (if settled t :json-false)
                       :server_running (if (jsonrpc-running-p server) t :json-false)
                       :major_mode (symbol-name mode)
                       :diagnostics (or diagnostics (make-hash-table))
                       :messages (vconcat (reverse vigil-messages))
                       :message_requests (vconcat (reverse vigil-message-requests))
                       :hover (or hover :null))))))
    (eglot-shutdown server)))

(condition-case err
    (progn (vigil-run) (kill-emacs 0))
  (error (message "drive-eglot.el: %S" err) (kill-emacs 2)))
