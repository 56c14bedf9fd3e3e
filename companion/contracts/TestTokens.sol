// SPDX-License-Identifier: MIT
// Tokens for the companion's Ethereum tests and make demo's Ethereum leg: OpenZeppelin 5's own ERC-20
// (with EIP-2612 permit), ERC-721 and ERC-1155, each with an open mint so anyone can fund any account.
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

contract TestToken is ERC20, ERC20Permit {
    uint8 private immutable _places;

    constructor(string memory name_, string memory symbol_, uint8 places_)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
    {
        _places = places_;
    }

    function decimals() public view override returns (uint8) {
        return _places;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

contract TestNFT is ERC721 {
    constructor(string memory name_, string memory symbol_) ERC721(name_, symbol_) {}

    function mint(address to, uint256 id) external {
        _mint(to, id);
    }
}

contract TestMultiToken is ERC1155 {
    constructor() ERC1155("") {}

    function mint(address to, uint256 id, uint256 amount) external {
        _mint(to, id, amount, "");
    }
}

// A token whose name, symbol and allowance() revert reason are whatever a test sets: the text a hostile
// contract shows a wallet (markup, right-to-left overrides, terminal escapes, kilobytes of it).
contract HostileToken is ERC20 {
    string private _text;
    string private _mark;
    string private _reverts;

    constructor() ERC20("", "") {}

    function setTexts(string calldata name_, string calldata symbol_, string calldata reverts_) external {
        _text = name_;
        _mark = symbol_;
        _reverts = reverts_;
    }

    function name() public view override returns (string memory) {
        return _text;
    }

    function symbol() public view override returns (string memory) {
        return _mark;
    }

    function allowance(address owner, address spender) public view override returns (uint256) {
        if (bytes(_reverts).length > 0) {
            revert(_reverts);
        }
        return super.allowance(owner, spender);
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
