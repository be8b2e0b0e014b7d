package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/orchestrator"
	"github.com/docket-rpa/docket/orchestrator/vault"
	"go.uber.org/zap"
)

// secretKey finds the credential vault's key: secret_key, then
// secret_key_file, then <data_dir>/secret.key. With create set (demo and
// `credentials set`) a missing default key file is created. It returns nil
// when no key is configured and none may be created.
func (a *app) secretKey(create bool) ([]byte, error) {
	if a.cfg.SecretKey != "" {
		key, err := vault.ParseKey(a.cfg.SecretKey)
		if err != nil {
			return nil, &ConfigError{Msg: "secret_key: " + err.Error()}
		}
		return key, nil
	}
	if a.cfg.SecretKeyFile != "" {
		return vault.LoadKeyFile(a.cfg.SecretKeyFile, false)
	}
	path := filepath.Join(a.cfg.DataDir, "secret.key")
	if _, err := os.Stat(path); err == nil || create {
		if err := makeDataDir(a.cfg.DataDir); err != nil {
			return nil, err
		}
		return vault.LoadKeyFile(path, create)
	}
	return nil, nil
}

// openVault returns the credential vault, or nil when no key is set up.
func (a *app) openVault(st orchestrator.SecretStore, create bool) (*vault.Vault, error) {
	key, err := a.secretKey(create)
	if err != nil || key == nil {
		return nil, err
	}
	return vault.New(key, st)
}

// resolveTargets gives each configured portal its credentials: the vault's
// when it holds some for the portal, otherwise the configuration's.
func (a *app) resolveTargets(ctx context.Context, v *vault.Vault) (map[string]bots.Target, error) {
	targets := a.cfg.targets()
	if v == nil {
		return targets, nil
	}
	for name, t := range targets {
		c, err := v.Get(ctx, name)
		if errors.Is(err, orchestrator.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		t.Username, t.Password, t.TOTPSecret = c.Username, c.Password, c.TOTPSecret
		targets[name] = t
		a.log.Info("portal credentials from the vault", zap.String("portal", name))
	}
	return targets, nil
}

// requireVault is openVault for commands that cannot work without it.
func (a *app) requireVault(st orchestrator.SecretStore) (*vault.Vault, error) {
	v, err := a.openVault(st, true)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, fmt.Errorf("no secret key: set secret_key or secret_key_file")
	}
	return v, nil
}
